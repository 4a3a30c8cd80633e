package binlog

// clonePayload returns a copy of p sharing no mutable memory with it.
func clonePayload(p Payload) Payload {
	switch p := p.(type) {
	case *Rows:
		c := *p
		c.ExtraData = cloneBytes(p.ExtraData)
		c.Present = append([]bool(nil), p.Present...)
		c.PresentAfter = append([]bool(nil), p.PresentAfter...)
		c.Rows = make([]Row, len(p.Rows))
		for i, r := range p.Rows {
			c.Rows[i] = Row{Before: cloneValues(r.Before), After: cloneValues(r.After)}
		}
		return &c
	case *Query:
		c := *p
		c.StatusVars = cloneBytes(p.StatusVars)
		return &c
	case *Unknown:
		return &Unknown{Body: cloneBytes(p.Body)}
	case *UserVar:
		c := *p
		c.Value = cloneBytes(p.Value)
		return &c
	case *XAPrepare:
		c := *p
		c.GTRID, c.BQUAL = cloneBytes(p.GTRID), cloneBytes(p.BQUAL)
		return &c
	case *StartEncryption:
		c := *p
		c.Nonce = cloneBytes(p.Nonce)
		return &c
	case *TransactionPayload:
		c := *p
		c.data = cloneBytes(p.data)
		return &c
	}
	return p // the other payloads hold no byte slices into the event
}

func cloneValues(vs []Value) []Value {
	if vs == nil {
		return nil
	}
	out := make([]Value, len(vs))
	for i, v := range vs {
		v.b = cloneBytes(v.b)
		if v.diffs != nil {
			d := make([]JSONDiff, len(*v.diffs))
			for j, x := range *v.diffs {
				x.Value = cloneBytes(x.Value)
				d[j] = x
			}
			v.diffs = &d
		}
		out[i] = v
	}
	return out
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}
