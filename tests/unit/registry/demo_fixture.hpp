// Helpers shared by the demo clinic's tests: seeding a store, reading records back without their write times.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "registry/actor.hpp"
#include "registry/demo.hpp"
#include "registry/followups.hpp"
#include "registry/record_queries.hpp"
#include "storage/open_store.hpp"

namespace kneeregen::testing_demo {

inline std::unique_ptr<Store> MemoryStore() { return std::move(OpenStore("sqlite::memory:")).value(); }

inline DemoSummary Seed(Store& store, int64_t patients, uint64_t seed) {
  auto result = SeedDemoClinic(store, DemoOptions{.patients = patients, .seed = seed});
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().detail);
  return result.ok() ? *result : DemoSummary{};
}

// Records without the write timestamps, which differ from run to run.
inline std::vector<Json> WithoutWriteTimes(std::vector<Json> records) {
  for (auto& r : records) {
    r.erase("created_at");
    r.erase("updated_at");
  }
  return records;
}

// The clinic's follow-ups, PROM responses and scores by kind, in id order.
inline std::map<std::string, std::vector<Json>> PromSnapshot(Store& store, int64_t clinic_id) {
  std::map<std::string, std::vector<Json>> out;
  Status status = store.Read([&](ReadTransaction& tx) -> Status {
    for (const RecordSchema* schema : {&FollowUpSchema(), &PromResponseSchema(), &PromScoreSchema()})
      out[schema->resource] = WithoutWriteTimes(AllRecords(tx, *schema, clinic_id, {}));
    return Ok{};
  });
  EXPECT_TRUE(status.ok());
  return out;
}

struct Actors {
  static Actor Clinician(int64_t clinic_id) {
    return Actor{.username = "demo-test", .role = Role::kClinician, .clinic_id = clinic_id};
  }
};

}  // namespace kneeregen::testing_demo
