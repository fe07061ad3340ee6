#include "registry/record_queries.hpp"

#include <stdexcept>

namespace kneeregen {

namespace {

ListQuery QueryFor(const RecordSchema& schema, const FieldFilters& filters) {
  ListQuery query;
  for (const auto& [name, value] : filters) {
    const FieldSpec* f = schema.Field(name);
    if (!f) throw std::logic_error(schema.resource + " has no field " + name);
    query.filters.emplace_back(f, value);
  }
  return query;
}

}  // namespace

std::vector<Json> AllRecords(ReadTransaction& tx, const RecordSchema& schema, int64_t clinic_id,
                             const FieldFilters& filters) {
  ListQuery query = QueryFor(schema, filters);
  query.limit = 500;
  std::vector<Json> all;
  while (true) {
    RecordPage page = tx.ListRecords(schema, clinic_id, query);
    for (auto& item : page.items) all.push_back(std::move(item));
    if (!page.next_after_id) return all;
    query.after_id = *page.next_after_id;
  }
}

std::optional<Json> NewestRecord(ReadTransaction& tx, const RecordSchema& schema, int64_t clinic_id,
                                 const FieldFilters& filters) {
  ListQuery query = QueryFor(schema, filters);
  query.limit = 1;
  query.newest_first = true;
  RecordPage page = tx.ListRecords(schema, clinic_id, query);
  if (page.items.empty()) return std::nullopt;
  return std::move(page.items.front());
}

const RecordSchema& KnownSchema(const std::string& resource) {
  const RecordSchema* schema = FindRecordSchema(resource);
  if (!schema) throw std::logic_error("no record kind " + resource);
  return *schema;
}

}  // namespace kneeregen
