package main

import (
	"encoding/binary"
	"testing"
)

// A hand-written BSON and OP_MSG builder: just enough element types to say what drivers send.

func doc(elems ...[]byte) []byte {
	var body []byte
	for _, e := range elems {
		body = append(body, e...)
	}
	out := binary.LittleEndian.AppendUint32(nil, uint32(4+len(body)+1))
	return append(append(out, body...), 0)
}

func elem(typ byte, name string, value []byte) []byte {
	return append(append(append([]byte{typ}, name...), 0), value...)
}

func str(name, v string) []byte {
	return elem(0x02, name, append(binary.LittleEndian.AppendUint32(nil, uint32(len(v)+1)), append([]byte(v), 0)...))
}

func i32(name string, v int32) []byte {
	return elem(0x10, name, binary.LittleEndian.AppendUint32(nil, uint32(v)))
}
func sub(name string, d []byte) []byte { return elem(0x03, name, d) }
func boolean(name string) []byte       { return elem(0x08, name, []byte{1}) }

func arr(name string, docs ...[]byte) []byte {
	var elems [][]byte
	for i, d := range docs {
		elems = append(elems, sub(string(rune('0'+i)), d))
	}
	return elem(0x04, name, doc(elems...))
}

// body is a kind-0 section; sequence a kind-1 section (its size counts itself, not the kind byte).
func body(d []byte) []byte { return append([]byte{0}, d...) }

func sequence(id string, docs ...[]byte) []byte {
	payload := append([]byte(id), 0)
	for _, d := range docs {
		payload = append(payload, d...)
	}
	return append(append([]byte{1}, binary.LittleEndian.AppendUint32(nil, uint32(4+len(payload)))...), payload...)
}

func message(opcode, flags uint32, sections ...[]byte) []byte {
	var rest []byte
	if opcode == opMsg {
		rest = binary.LittleEndian.AppendUint32(nil, flags)
	}
	for _, s := range sections {
		rest = append(rest, s...)
	}
	head := binary.LittleEndian.AppendUint32(nil, uint32(16+len(rest)))
	head = binary.LittleEndian.AppendUint32(head, 7) // requestID
	head = binary.LittleEndian.AppendUint32(head, 0) // responseTo
	head = binary.LittleEndian.AppendUint32(head, opcode)
	return append(head, rest...)
}

func msg(sections ...[]byte) []byte { return message(opMsg, 0, sections...) }

func TestClassify(t *testing.T) {
	seat := doc(sub("q", doc(str("_id", "rush:general"), sub("available", doc(i32("$gte", 1))))),
		sub("u", doc(sub("$inc", doc(i32("available", -1), i32("sold", 1))))))
	withChecksum := append(message(opMsg, 1, body(doc(str("update", "inventory"), str("$db", "shop")))), 1, 2, 3, 4)

	cases := []struct {
		name string
		msg  []byte
		want access
	}{
		{"update with its statements inline",
			msg(body(doc(str("update", "inventory"), arr("updates", seat), boolean("ordered"), str("$db", "shop")))),
			access{write, "shop.inventory"}},
		{"update with its statements in a document sequence, $db first",
			msg(body(doc(str("update", "inventory"), str("$db", "shop"))), sequence("updates", seat, seat)),
			access{write, "shop.inventory"}},
		{"insert whose document sequence comes before the body",
			msg(sequence("documents", doc(str("_id", "a")), doc(str("_id", "b"))), body(doc(str("insert", "inbox"), str("$db", "shop")))),
			access{write, "shop.inbox"}},
		{"delete", msg(body(doc(str("delete", "holds"), str("$db", "t_1")))), access{write, "t_1.holds"}},
		{"findAndModify, namespace lowercased",
			msg(body(doc(str("findAndModify", "Orders"), sub("query", doc(str("_id", "o1"))), str("$db", "Shop")))),
			access{write, "shop.orders"}},
		{"findandmodify alias", msg(body(doc(str("findandmodify", "orders"), str("$db", "shop")))), access{write, "shop.orders"}},
		{"checksum present", withChecksum, access{write, "shop.inventory"}},

		{"find", msg(body(doc(str("find", "orders"), sub("filter", doc(str("_id", "o1"))), i32("limit", 1), str("$db", "shop")))), access{kind: read}},
		{"getMore", msg(body(doc(elem(0x12, "getMore", make([]byte, 8)), str("collection", "orders"), str("$db", "shop")))), access{kind: read}},
		{"count", msg(body(doc(str("count", "inventory"), str("$db", "shop")))), access{kind: read}},
		{"hello", msg(body(doc(i32("hello", 1), str("$db", "admin")))), access{kind: read}},
		{"aggregate $match/$group",
			msg(body(doc(str("aggregate", "orders"), arr("pipeline", doc(sub("$match", doc())), doc(sub("$group", doc(str("_id", "$state"))))), sub("cursor", doc()), str("$db", "shop")))),
			access{kind: read}},

		{"aggregate $out", msg(body(doc(str("aggregate", "orders"), arr("pipeline", doc(sub("$match", doc())), doc(str("$out", "copy"))), str("$db", "shop")))), access{}},
		{"aggregate $merge", msg(body(doc(str("aggregate", "orders"), arr("pipeline", doc(sub("$merge", doc(str("into", "x"))))), str("$db", "shop")))), access{}},
		{"aggregate without a pipeline", msg(body(doc(str("aggregate", "orders"), str("$db", "shop")))), access{}},
		{"createIndexes", msg(body(doc(str("createIndexes", "orders"), str("$db", "shop")))), access{}},
		{"dropDatabase", msg(body(doc(i32("dropDatabase", 1), str("$db", "shop")))), access{}},
		{"unknown command", msg(body(doc(str("frobnicate", "orders"), str("$db", "shop")))), access{}},
		{"update of a non-string collection", msg(body(doc(i32("update", 1), str("$db", "shop")))), access{}},
		{"update without $db", msg(body(doc(str("update", "inventory")))), access{}},
		{"OP_QUERY handshake", message(2004, 0, doc(i32("isMaster", 1))), access{}},
		{"OP_COMPRESSED", message(2012, 0, []byte{1, 2, 3, 4, 5}), access{}},
		{"no body section", msg(sequence("documents", doc())), access{}},
		{"two body sections", msg(body(doc(str("find", "a"), str("$db", "s"))), body(doc(str("find", "a"), str("$db", "s")))), access{}},
		{"unknown section kind", msg(body(doc(str("find", "a"), str("$db", "s"))), []byte{2, 0, 0, 0, 0}), access{}},
		{"sequence longer than the message", msg(body(doc(str("find", "a"), str("$db", "s"))), []byte{1, 200, 0, 0, 0}), access{}},
		{"unknown BSON type", msg(body(doc(str("find", "a"), elem(0x42, "x", nil), str("$db", "s")))), access{}},
		{"truncated body", msg(body(doc(str("find", "a"), str("$db", "s")))[:20]), access{}},
		{"empty body", msg(body(doc())), access{}},
		{"header only", message(opMsg, 0)[:16], access{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := classify(c.msg); got != c.want {
				t.Errorf("classify = %+v, want %+v", got, c.want)
			}
		})
	}
}

// Every prefix of a valid message is a message cut short: it must never panic nor be taken as a write.
func TestClassifyTruncated(t *testing.T) {
	m := msg(body(doc(str("update", "inventory"), arr("updates", doc(sub("q", doc()))), str("$db", "shop"))))
	for n := range len(m) {
		cut := append([]byte(nil), m[:n]...)
		if n >= 4 {
			binary.LittleEndian.PutUint32(cut, uint32(n))
		}
		if a := classify(cut); a.kind == write {
			t.Errorf("prefix of %d bytes classified as %+v", n, a)
		}
	}
}
