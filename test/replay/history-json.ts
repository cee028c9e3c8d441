/**
 * Histories as proto JSON (the format `temporal workflow show --output json` writes), read and
 * written with the protobufjs copy that @temporalio/proto itself uses. The SDK's own
 * `historyToJSON` / `historyFromJSON` (@temporalio/common) fail in this install with "type must
 * be a Type": common and proto each carry their own protobufjs 8 (the hoisted one is 7, for
 * grpc), and its `instanceof` check sees two classes.
 */
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import type { History } from '@temporalio/common/lib/proto-utils';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}

const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [require.resolve('@temporalio/proto')] })) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

export function historyFromJson(json: unknown): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
