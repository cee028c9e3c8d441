package main

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// access is what a request needs to hold while FerretDB runs it.
type access struct {
	kind accessKind
	ns   string // "db.collection", for writes only
}

type accessKind int

const (
	// exclusive is the zero value on purpose: whatever is not understood runs alone.
	exclusive accessKind = iota
	// read: runs beside anything but DDL; FerretDB reads committed SQLite rows, never a half-applied update.
	read
	// write: FerretDB v1 matches the filter outside the transaction and then rewrites whole documents,
	// so two writes of one collection must not overlap or both could pass a guard ({available: {$gte: 1}}).
	// (A lock per database, as SQLite takes one writer per file anyway, measured no faster within the
	// noise, and queued the hot seats document behind every inbox write.)
	write
)

const opMsg = 2013

// writes are the commands that run read-then-write in FerretDB v1 (insert is here too: an upsert
// and an insert of the same _id must not interleave, and it is cheap to keep the rule simple).
var writes = map[string]bool{"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true}

// reads change no document (killCursors and getMore touch only FerretDB's in-memory cursors).
var reads = map[string]bool{
	"find": true, "getMore": true, "count": true, "distinct": true, "listIndexes": true, "listCollections": true,
	"listDatabases": true, "killCursors": true, "hello": true, "isMaster": true, "ismaster": true, "ping": true,
	"buildInfo": true, "buildinfo": true, "serverStatus": true, "dbStats": true, "dbstats": true, "collStats": true,
	"dataSize": true, "connectionStatus": true, "getParameter": true, "getCmdLineOpts": true, "hostInfo": true,
	"whatsmyuri": true, "listCommands": true, "currentOp": true,
}

// classify reads an OP_MSG (header, flagBits, sections) far enough to know its command. Any other
// opcode (OP_QUERY handshakes, OP_COMPRESSED), and any message it cannot follow, is exclusive.
func classify(msg []byte) access {
	if len(msg) < 21 || binary.LittleEndian.Uint32(msg[12:]) != opMsg {
		return access{}
	}
	flags := binary.LittleEndian.Uint32(msg[16:])
	end := len(msg)
	if flags&1 != 0 { // checksumPresent: a CRC-32C follows the last section
		end -= 4
	}
	var body []byte
	for i := 20; i < end; {
		switch msg[i] {
		case 0: // the command document
			doc, ok := document(msg[i+1 : end])
			if !ok || body != nil {
				return access{}
			}
			body, i = doc, i+1+len(doc)
		case 1: // a document sequence (insert's documents, ...): size includes itself, not the kind byte
			if end-i < 5 {
				return access{}
			}
			size := int(binary.LittleEndian.Uint32(msg[i+1:]))
			if size < 4 || size > end-i-1 {
				return access{}
			}
			i += 1 + size
		default:
			return access{}
		}
	}
	if body == nil {
		return access{}
	}
	return classifyCommand(body)
}

func classifyCommand(body []byte) access {
	var command, collection, db string
	var pipeline []byte
	first := true
	ok := eachElement(body, func(name string, typ byte, value []byte) {
		if first {
			command, first = name, false
			collection, _ = bsonString(typ, value)
		}
		switch {
		case name == "$db":
			db, _ = bsonString(typ, value)
		case name == "pipeline" && typ == 0x04:
			pipeline = value
		}
	})
	switch {
	case !ok || command == "":
		return access{}
	case writes[command] && collection != "" && db != "":
		// Lowercased: coarser, never finer, than FerretDB's own names (its SQLite files may sit on a
		// case-insensitive file system, where "Shop" and "shop" would be one database).
		return access{kind: write, ns: strings.ToLower(db + "." + collection)}
	case reads[command]:
		return access{kind: read}
	case command == "aggregate" && pipeline != nil && !writesOut(pipeline):
		return access{kind: read}
	}
	return access{}
}

// writesOut says whether an aggregation pipeline ends in $out or $merge (or is not understood).
func writesOut(pipeline []byte) bool {
	out := false
	ok := eachElement(pipeline, func(_ string, typ byte, stage []byte) {
		if typ != 0x03 {
			out = true
			return
		}
		name := ""
		if !eachElement(stage, func(n string, _ byte, _ []byte) {
			if name == "" {
				name = n
			}
		}) || name == "$out" || name == "$merge" {
			out = true
		}
	})
	return out || !ok
}

// document returns the BSON document at the start of b (its int32 length included).
func document(b []byte) ([]byte, bool) {
	if len(b) < 5 {
		return nil, false
	}
	size := int(binary.LittleEndian.Uint32(b))
	if size < 5 || size > len(b) || b[size-1] != 0 {
		return nil, false
	}
	return b[:size], true
}

// eachElement calls fn for each element of a BSON document; false if the document is malformed.
func eachElement(doc []byte, fn func(name string, typ byte, value []byte)) bool {
	doc, ok := document(doc)
	if !ok {
		return false
	}
	rest := doc[4 : len(doc)-1]
	for len(rest) > 0 {
		typ := rest[0]
		nul := bytes.IndexByte(rest[1:], 0)
		if nul < 0 {
			return false
		}
		name := string(rest[1 : 1+nul])
		rest = rest[2+nul:]
		n := valueSize(typ, rest)
		if n < 0 || n > len(rest) {
			return false
		}
		fn(name, typ, rest[:n])
		rest = rest[n:]
	}
	return true
}

// valueSize is the length of a BSON value of type typ at the start of b, or -1 if unknown or cut short.
func valueSize(typ byte, b []byte) int {
	int32At := func(extra int) int {
		if len(b) < 4 {
			return -1
		}
		return int(int32(binary.LittleEndian.Uint32(b))) + extra
	}
	switch typ {
	case 0x06, 0x0A, 0x7F, 0xFF: // undefined, null, maxKey, minKey
		return 0
	case 0x08: // bool
		return 1
	case 0x10: // int32
		return 4
	case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
		return 8
	case 0x07: // ObjectId
		return 12
	case 0x13: // decimal128
		return 16
	case 0x02, 0x0D, 0x0E: // string, JavaScript, symbol: int32 length (with its NUL) + bytes
		return int32At(4)
	case 0x03, 0x04, 0x0F: // document, array, code with scope: the int32 counts itself
		return int32At(0)
	case 0x05: // binary: int32 length + subtype byte + bytes
		return int32At(5)
	case 0x0B: // regex: two cstrings
		a := bytes.IndexByte(b, 0)
		if a < 0 {
			return -1
		}
		c := bytes.IndexByte(b[a+1:], 0)
		if c < 0 {
			return -1
		}
		return a + c + 2
	case 0x0C: // DBPointer: string + ObjectId
		return int32At(4 + 12)
	}
	return -1
}

// bsonString is the text of a BSON string value.
func bsonString(typ byte, value []byte) (string, bool) {
	if typ != 0x02 || len(value) < 5 || value[len(value)-1] != 0 {
		return "", false
	}
	return string(value[4 : len(value)-1]), true
}
