package mongodb

import (
	"strconv"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// keyNameCommand builds the aggregate that learns field names on the
// server. Its pipeline is
//
//	{$sample: {size: n}}
//	{$project: {_id: 0, f: <paths of $$ROOT>}}
//	{$unwind: "$f"}
//	{$group: {_id: {p: "$f.p", t: "$f.t"}, n: {$sum: 1}}}
//	{$sort: {n: -1, "_id.p": 1}}
//	{$limit: limit}
//
// where <paths> turns each document into an array of {p: dotted path,
// t: $type name} with $reduce over $objectToArray, descending into
// sub-documents (not arrays) down to depth levels. Only path names, type
// names and counts leave the server, never a value.
//
// Server support, from the MongoDB manual: $sample is new in 3.2;
// $objectToArray is new in 3.4.4; $reduce and the $type expression are new
// in 3.4; $concatArrays is new in 3.2; $let, $$ROOT, $unwind, $group, $sort
// and $limit predate them. So the pipeline needs MongoDB 3.4.4 or later;
// older servers and FerretDB refuse it and the probe falls back to index
// keys and validators. maxTimeMS bounds the server's work and allowDiskUse
// is off (6.0+ would otherwise spill to disk by default).
func keyNameCommand(coll string, n, depth, limit int, maxTimeMS int64) bsoncore.Document {
	pipeline := bsoncore.NewArrayBuilder().
		AppendDocument(doc("$sample", doc("size", n))).
		AppendDocument(bsoncore.NewDocumentBuilder().AppendDocument("$project",
			bsoncore.NewDocumentBuilder().AppendInt32("_id", 0).AppendDocument("f", pathsExpr("$$ROOT", 1, depth)).Build()).Build()).
		AppendDocument(bsoncore.NewDocumentBuilder().AppendString("$unwind", "$f").Build()).
		AppendDocument(doc("$group", bsoncore.NewDocumentBuilder().
			AppendDocument("_id", bsoncore.NewDocumentBuilder().AppendString("p", "$f.p").AppendString("t", "$f.t").Build()).
			AppendDocument("n", doc("$sum", 1)).Build())).
		AppendDocument(doc("$sort", bsoncore.NewDocumentBuilder().AppendInt32("n", -1).AppendInt32("_id.p", 1).Build())).
		AppendDocument(doc("$limit", limit)).
		Build()
	return bsoncore.NewDocumentBuilder().
		AppendString("aggregate", coll).
		AppendArray("pipeline", pipeline).
		AppendDocument("cursor", doc("batchSize", limit)).
		AppendInt64("maxTimeMS", maxTimeMS).
		AppendBoolean("allowDiskUse", false).
		Build()
}

// pathsExpr is the expression for the {p, t} pairs of obj at level (1 is
// the top), recursing into sub-documents while level < depth. Each level
// binds its own $let variables (p1, v1, p2, v2, ...) because $reduce's
// $$this and $$value are shadowed by the nested $reduce.
func pathsExpr(obj string, level, depth int) bsoncore.Document {
	lv := strconv.Itoa(level)
	var path any = "$$this.k"
	if level > 1 {
		prev := "$$p" + strconv.Itoa(level-1)
		path = arr(prev, ".", "$$this.k")
	}
	pathValue := bsoncore.NewDocumentBuilder()
	if s, ok := path.(string); ok {
		pathValue.AppendString("p"+lv, s)
	} else {
		pathValue.AppendDocument("p"+lv, bsoncore.NewDocumentBuilder().AppendArray("$concat", path.(bsoncore.Array)).Build())
	}
	vars := pathValue.AppendString("v"+lv, "$$this.v").Build()

	pair := bsoncore.NewDocumentBuilder().
		AppendString("p", "$$p"+lv).
		AppendDocument("t", bsoncore.NewDocumentBuilder().AppendString("$type", "$$v"+lv).Build()).
		Build()
	parts := bsoncore.NewArrayBuilder().
		AppendString("$$value").
		AppendArray(bsoncore.NewArrayBuilder().AppendDocument(pair).Build())
	if level < depth {
		isObject := bsoncore.NewDocumentBuilder().AppendArray("$eq",
			bsoncore.NewArrayBuilder().
				AppendDocument(bsoncore.NewDocumentBuilder().AppendString("$type", "$$v"+lv).Build()).
				AppendString("object").Build()).Build()
		cond := bsoncore.NewArrayBuilder().
			AppendDocument(isObject).
			AppendDocument(pathsExpr("$$v"+lv, level+1, depth)).
			AppendArray(bsoncore.NewArrayBuilder().Build()).Build()
		parts.AppendDocument(bsoncore.NewDocumentBuilder().AppendArray("$cond", cond).Build())
	}
	in := bsoncore.NewDocumentBuilder().AppendDocument("$let", bsoncore.NewDocumentBuilder().
		AppendDocument("vars", vars).
		AppendDocument("in", bsoncore.NewDocumentBuilder().AppendArray("$concatArrays", parts.Build()).Build()).
		Build()).Build()
	return doc("$reduce", bsoncore.NewDocumentBuilder().
		AppendDocument("input", bsoncore.NewDocumentBuilder().AppendString("$objectToArray", obj).Build()).
		AppendArray("initialValue", bsoncore.NewArrayBuilder().Build()).
		AppendDocument("in", in).
		Build())
}

// doc returns {key: v} for an int or a document v.
func doc(key string, v any) bsoncore.Document {
	b := bsoncore.NewDocumentBuilder()
	switch v := v.(type) {
	case int:
		b.AppendInt32(key, int32(v))
	case bsoncore.Document:
		b.AppendDocument(key, v)
	}
	return b.Build()
}

// arr returns an array of strings.
func arr(s ...string) bsoncore.Array {
	b := bsoncore.NewArrayBuilder()
	for _, v := range s {
		b.AppendString(v)
	}
	return b.Build()
}
