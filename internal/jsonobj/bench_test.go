package jsonobj

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// benchBody is a run-like object of about 1 MiB: a few scalar members and
// two large nested outputs of records with string fields.
func benchBody() []byte {
	var sb strings.Builder
	sb.WriteString(`{`)
	for i := 0; sb.Len() < 1<<19; i++ {
		fmt.Fprintf(&sb, `"product_%04d":{"title":"Stainless steel kettle, 1.7 L, model %d \"quiet\" <edition>","price":%d.99,"in_stock":true,"url":"https://shop.example.com/p/%d?ref=x","reviews":["Great kettle.","Lid is stiff\nbut fine."]},`, i, i, i, i)
	}
	out := strings.TrimSuffix(sb.String(), ",") + `}`
	return []byte(`{"run_id":"wr_1","status":"completed","outputs":` + out + `,"output":` + out + `,"created_at":"2026-01-31T15:20:42","step_count":3}`)
}

func BenchmarkMembers(b *testing.B) {
	body := benchBody()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		n := 0
		Members(body, func(k, v []byte) error { n++; return nil })
		if n != 6 {
			b.Fatal(n)
		}
	}
}

func BenchmarkValid(b *testing.B) {
	body := benchBody()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if !json.Valid(body) {
			b.Fatal()
		}
	}
}
