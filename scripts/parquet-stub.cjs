// Stand-in for @shanghaikid/parquetjs: the Milvus SDK's BulkWriter needs it, and the product never uses BulkWriter.
module.exports = {};
