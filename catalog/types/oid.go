package types

// FromOID maps a pg_type OID a client sends (e.g. Parse parameter types) to
// a Lode type; ok is false for OID 0 (unspecified) and unknown OIDs.
func FromOID(oid uint32) (T, bool) {
	switch oid {
	case OIDBool:
		return TBool, true
	case OIDInt2:
		return TInt16, true
	case OIDInt4:
		return TInt32, true
	case OIDInt8:
		return TInt64, true
	case OIDFloat4:
		return TFloat32, true
	case OIDFloat8:
		return TFloat64, true
	case OIDNumeric:
		return NumericT(0, NumericDefaultScale), true
	case OIDText:
		return TText, true
	case OIDVarchar, 1042: // varchar, bpchar
		return VarcharT(0), true
	case OIDDate:
		return TDate, true
	case OIDTimestamp:
		return TTimestamp, true
	case OIDTimestampTZ:
		return TTimestampTZ, true
	case OIDInterval:
		return TInterval, true
	case OIDBytea:
		return TBytea, true
	case OIDUUID:
		return TUUID, true
	case OIDOid:
		return TOID, true
	case OIDJSON:
		return TJSON, true
	case OIDJSONB:
		return TJSONB, true
	}
	for _, a := range []T{TOID, TJSON, TJSONB} {
		if a.arrayOID() == oid {
			return ArrayOf(a), true
		}
	}
	for k, o := range arrayOIDs {
		if o == oid {
			e, _ := FromOID(T{Kind: k}.OID())
			return ArrayOf(e), true
		}
	}
	return TUnknown, false
}
