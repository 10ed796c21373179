// Stand-in for @grpc/proto-loader inside the bundles. The Milvus SDK builds a gRPC package definition
// from its proto JSON (~500 messages, 150 methods) twice per client (MilvusService and
// ClientTelemetryService). @grpc/proto-loader's fromJSON resolves every type and turns every message
// and enum into descriptor objects plus the encoded file descriptors, ~200 ms of CPU per build, while
// a gRPC client reads only each method's path, stream flags, name and (de)serializers. So here:
// - a definition is built once per proto object and options (it is a pure function of them, and
//   grpc-js only reads it);
// - what a client reads is built at once, the same way proto-loader builds it; the descriptor parts
//   (a message's `type`, `fileDescriptorProtos`, a method's `requestType`/`responseType`) are built the
//   first time something reads them, and are then equal to proto-loader's (unit-tested against it).
'use strict';
const real = require('@grpc/proto-loader');
const Protobuf = require('protobufjs');
const descriptor = require('protobufjs/ext/descriptor');
const camelCase = require('lodash.camelcase');

/** proto JSON object -> (options as JSON -> package definition) */
const built = new WeakMap();

function fromJSON(json, options) {
  if (json === null || typeof json !== 'object') {
    return real.fromJSON(json, options);
  }
  let byOptions = built.get(json);
  if (!byOptions) {
    byOptions = new Map();
    built.set(json, byOptions);
  }
  const key = JSON.stringify(options ?? {});
  let definition = byOptions.get(key);
  if (!definition) {
    definition = leanFromJSON(json, options ?? {});
    byOptions.set(key, definition);
  }
  return definition;
}

// The options proto-loader converts descriptors with.
const descriptorOptions = { longs: String, enums: String, bytes: String, defaults: true, oneofs: true, json: true };

/** `obj[key]` computed by `compute` the first time it is read, then a plain value. */
function lazy(obj, key, compute) {
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
  });
}

function createSerializer(cls) {
  return function serialize(arg) {
    if (Array.isArray(arg)) {
      throw new Error(`Failed to serialize message: expected object with ${cls.name} structure, got array instead`);
    }
    return cls.encode(cls.fromObject(arg)).finish();
  };
}

function createDeserializer(cls, options) {
  return function deserialize(argBuf) {
    return cls.toObject(cls.decode(argBuf), options);
  };
}

function mapMethodOptions(options) {
  return (options || []).reduce(
    (obj, item) => {
      for (const [key, value] of Object.entries(item)) {
        if (key === 'uninterpreted_option') {
          obj.uninterpreted_option.push(item.uninterpreted_option);
        } else {
          obj[key] = value;
        }
      }
      return obj;
    },
    { deprecated: false, idempotency_level: 'IDEMPOTENCY_UNKNOWN', uninterpreted_option: [] },
  );
}

function leanFromJSON(json, options) {
  const root = Protobuf.Root.fromJSON(json);
  let files;
  /** The encoded file descriptors every message and enum definition shares; needs every type resolved. */
  const fileDescriptors = () => {
    if (!files) {
      root.resolveAll();
      files = root.toDescriptor('proto3').file.map((file) => Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()));
    }
    return files;
  };
  const describe = (obj) => {
    root.resolveAll();
    const d = obj.toDescriptor('proto3');
    return d.$type.toObject(d, descriptorOptions);
  };
  const messageDefinition = (message) => {
    const def = { format: 'Protocol Buffer 3 DescriptorProto' };
    lazy(def, 'type', () => describe(message));
    lazy(def, 'fileDescriptorProtos', fileDescriptors);
    def.serialize = createSerializer(message);
    def.deserialize = createDeserializer(message, options);
    return def;
  };
  const enumDefinition = (enumType) => {
    const def = { format: 'Protocol Buffer 3 EnumDescriptorProto' };
    lazy(def, 'type', () => describe(enumType));
    lazy(def, 'fileDescriptorProtos', fileDescriptors);
    return def;
  };
  const serviceDefinition = (service, serviceName) => {
    const def = {};
    for (const method of service.methodsArray) {
      method.resolve(); // its request and response types only; a message's fields resolve on first use
      const requestType = method.resolvedRequestType;
      const responseType = method.resolvedResponseType;
      const m = {
        path: '/' + serviceName + '/' + method.name,
        requestStream: !!method.requestStream,
        responseStream: !!method.responseStream,
        requestSerialize: createSerializer(requestType),
        requestDeserialize: createDeserializer(requestType, options),
        responseSerialize: createSerializer(responseType),
        responseDeserialize: createDeserializer(responseType, options),
        originalName: camelCase(method.name),
      };
      lazy(m, 'requestType', () => messageDefinition(requestType));
      lazy(m, 'responseType', () => messageDefinition(responseType));
      m.options = mapMethodOptions(method.parsedOptions);
      def[method.name] = m;
    }
    return def;
  };

  const definition = {};
  const visit = (obj, parentName) => {
    const name = parentName === '' ? obj.name : parentName + '.' + obj.name;
    if (obj instanceof Protobuf.Service) {
      definition[name] = serviceDefinition(obj, name);
    } else if (obj instanceof Protobuf.Type) {
      definition[name] = messageDefinition(obj);
    } else if (obj instanceof Protobuf.Enum) {
      definition[name] = enumDefinition(obj);
    } else if ((obj instanceof Protobuf.Namespace || obj instanceof Protobuf.Root) && obj.nested !== undefined) {
      for (const child of Object.keys(obj.nested)) {
        visit(obj.nested[child], name);
      }
    }
  };
  visit(root, '');
  return definition;
}

module.exports = { ...real, fromJSON };
