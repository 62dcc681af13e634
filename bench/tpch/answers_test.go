package tpch

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAnswerCheck(t *testing.T) {
	a := &Answer{Kinds: []Kind{"str", "int", "sum", "avg", "rat", "num", "cnt"},
		Rows: [][]string{{"BRAZIL", "1995", "100.00", "0.05", "16.38", "9938.53", "7"}}}
	cases := []struct {
		row  []string
		want bool
	}{
		{[]string{"BRAZIL  ", "1995", "100.004", "0.0499", "16.3812", "9938.53", "7"}, true},
		{[]string{"BRAZIL", "1995.0", "99.99", "0.051", "16.384", "9938.530", "7"}, true},
		{[]string{"BRAZIL", "1995", "100.02", "0.05", "16.38", "9938.53", "7"}, false},
		{[]string{"BRAZIL", "1995", "100.00", "0.05", "16.39", "9938.53", "7"}, false},
		{[]string{"BRAZIL", "1995", "100.00", "0.05", "16.38", "9938.54", "7"}, false},
		{[]string{"BRAZIL", "1995", "100.00", "0.05", "16.38", "9938.53", "8"}, false},
		{[]string{"BRAZIL", "1996", "100.00", "0.05", "16.38", "9938.53", "7"}, false},
		{[]string{"brazil", "1995", "100.00", "0.05", "16.38", "9938.53", "7"}, false},
	}
	for _, c := range cases {
		if msg := a.Check([][]string{c.row}); (msg == "") != c.want {
			t.Errorf("%v: %q, want match=%v", c.row, msg, c.want)
		}
	}
	q17 := &Answer{Kinds: []Kind{"avg"}, Rows: [][]string{{"348406.02"}}}
	if msg := q17.Check([][]string{{"348406.054285714286"}}); msg != "" {
		t.Errorf("Q17 within the specification's 1%%: %s", msg)
	}
	if msg := q17.Check([][]string{{"358406.05"}}); msg == "" {
		t.Error("Q17 off by 3% matched")
	}
	if msg := a.Check(nil); msg == "" {
		t.Error("an empty result matched")
	}
}

// TestLoadAnswers reads the shared answer set when it is there.
func TestLoadAnswers(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "bench", "tpch", "answers")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no answer set at", dir)
	}
	ans, err := LoadAnswers(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans) != 22 || len(ans[1].Rows) != 4 || len(ans[11].Rows) != 1048 || len(ans[1].Kinds) != 10 {
		t.Fatalf("answers: %d queries, q1 %d rows, q11 %d rows", len(ans), len(ans[1].Rows), len(ans[11].Rows))
	}
	for q, a := range ans {
		for _, r := range a.Rows {
			if len(r) != len(a.Kinds) {
				t.Fatalf("q%d: row %v has %d cells, colprecision has %d kinds", q, r, len(r), len(a.Kinds))
			}
		}
	}
	if ans[6].Rows[0][0] != "123141078.23" {
		t.Errorf("q6 = %v", ans[6].Rows)
	}
}

func TestQueries(t *testing.T) {
	qs, err := Queries()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 22 {
		t.Fatalf("%d queries", len(qs))
	}
}
