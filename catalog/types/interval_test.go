package types

import "testing"

func TestIntervalTextIO(t *testing.T) {
	cases := []struct{ in, out string }{
		{"1 day", "1 day"},
		{"2 hours 30 minutes", "02:30:00"},
		{"1 year 2 mons 3 days 04:05:06", "1 year 2 mons 3 days 04:05:06"},
		{"-1 second", "-00:00:01"},
		{"-1 days 2 hours", "-1 days +02:00:00"},
		{"1.5 days", "1 day 12:00:00"},
		{"1.5 months", "1 mon 15 days"},
		{"@ 1 day ago", "-1 days"},
		{"1-2", "1 year 2 mons"},
		{"P1Y2M3DT4H5M6S", "1 year 2 mons 3 days 04:05:06"},
		{"0", "00:00:00"},
		{"100 hours", "100:00:00"},
		{"0.25 seconds", "00:00:00.25"},
	}
	for _, c := range cases {
		iv, err := ParseInterval(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := FormatInterval(iv); got != c.out {
			t.Errorf("%q: got %q, want %q", c.in, got, c.out)
		}
		if back, err := ParseInterval(c.out); err != nil || back != iv {
			t.Errorf("%q does not round-trip: %v %v", c.out, back, err)
		}
	}
	for _, bad := range []string{"", "one day", "1 fortnight", "1:99"} {
		if _, err := ParseInterval(bad); err == nil {
			t.Errorf("%q: expected an error", bad)
		}
	}
	iv, _ := ParseIntervalIn("1", intervalDay)
	if iv != (IntervalValue{Days: 1}) {
		t.Errorf("interval '1' day = %v", iv)
	}
	a, _ := ParseInterval("1 month")
	b, _ := ParseInterval("30 days")
	if a.Compare(b) != 0 {
		t.Errorf("1 month should equal 30 days")
	}
}
