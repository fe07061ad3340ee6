// Record storage through the Store interface, run alike on every backend: round trips of every record kind,
// clinic scoping, pagination, filters and search, unique keys, rollback and optimistic versions.
#include "storage/migrations.hpp"
#include "store_fixture.hpp"

namespace kneeregen::testing {
namespace {

class StoreConformance : public StoreTest {};

// A value of `f` different from its example that every database CHECK accepts.
Json ChangedValue(const FieldSpec& f) {
  switch (f.kind) {
    case FieldKind::kText:
      return "changed";
    case FieldKind::kDate:
      return "2020-01-01";
    case FieldKind::kBoolean:
      return !f.example.get<bool>();
    case FieldKind::kEnum:
      return f.example == f.values.back() ? f.values.front() : f.values.back();
    case FieldKind::kInteger:
      return static_cast<int64_t>(f.example == *f.max ? *f.min : *f.max);
    case FieldKind::kNumber:
      return f.example == *f.max ? (*f.min + *f.max) / 2 : *f.max;
    case FieldKind::kJson:
      return Json{{"changed", true}};
    case FieldKind::kRef:
      break;
  }
  return nullptr;
}

void ExpectStoredFields(const RecordSchema& schema, const Json& expected, const Json& stored) {
  for (const auto& f : schema.fields)
    EXPECT_EQ(stored.at(f.name), expected.at(f.name)) << schema.resource << "." << f.name;
}

TEST_P(StoreConformance, MigratesToTheLatestVersion) {
  const auto& migrations = MigrationsFor(store_->backend());
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(store_->schema_version(), migrations.back().version);
  EXPECT_EQ(store_->backend(), backend() == TestBackend::kPostgres ? Backend::kPostgres : Backend::kSqlite);
}

TEST_P(StoreConformance, ReopeningKeepsDataAndAppliesNothingTwice) {
  if (backend() == TestBackend::kSqliteMemory) GTEST_SKIP() << "an in-memory database ends with its store";
  int64_t clinic = AddClinic();
  int64_t patient = AddPatient(clinic, PatientRecord("MRN-1"));
  store_.reset();
  store_ = Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->schema_version(), MigrationsFor(store_->backend()).back().version);
  MustRead([&](ReadTransaction& tx) { EXPECT_TRUE(tx.GetRecord(SchemaOf("patients"), clinic, patient)); });
}

TEST_P(StoreConformance, EveryRecordKindRoundTrips) {
  int64_t clinic = AddClinic();
  std::map<std::string, Json> stored;
  for (const auto& schema : AllRecordSchemas()) {
    SCOPED_TRACE(schema.resource);
    Json record = ExampleRecord(schema, stored);
    if (schema.resource == "assessments") record["prior_knee_surgery"] = true;  // details need it
    bool synthetic = schema.resource == "patients";
    int64_t id = 0;
    MustWrite([&](WriteTransaction& tx) { id = tx.InsertRecord(schema, clinic, record, synthetic); });
    ASSERT_GT(id, 0);

    MustRead([&](ReadTransaction& tx) {
      auto got = tx.GetRecord(schema, clinic, id);
      ASSERT_TRUE(got);
      EXPECT_EQ(got->at("id"), id);
      EXPECT_EQ(got->at("version"), 1);
      EXPECT_EQ(got->at("synthetic"), synthetic);
      EXPECT_FALSE(got->at("created_at").get<std::string>().empty());
      EXPECT_EQ(got->at("updated_at"), got->at("created_at"));
      ExpectStoredFields(schema, record, *got);
      stored[schema.resource] = *got;

      auto page = tx.ListRecords(schema, clinic, ListQuery{});
      ASSERT_EQ(page.items.size(), 1u);
      EXPECT_EQ(page.items[0], *got);
      EXPECT_FALSE(page.next_after_id);
      EXPECT_EQ(tx.CountRecords(schema, clinic), 1);
    });

    Json changes = Json::object();
    for (const auto& f : schema.fields)
      if (!f.immutable && f.client_writable() && f.kind != FieldKind::kRef) changes[f.name] = ChangedValue(f);
    if (changes.empty()) continue;  // nothing about this kind may change after creation
    bool updated = false;
    MustWrite([&](WriteTransaction& tx) { updated = tx.UpdateRecord(schema, clinic, id, changes, 1); });
    EXPECT_TRUE(updated);
    MustRead([&](ReadTransaction& tx) {
      auto got = tx.GetRecord(schema, clinic, id);
      ASSERT_TRUE(got);
      EXPECT_EQ(got->at("version"), 2);
      EXPECT_GE(got->at("updated_at").get<std::string>(), got->at("created_at").get<std::string>());
      Json expected = record;
      expected.update(changes);
      ExpectStoredFields(schema, expected, *got);
    });
  }
}

TEST_P(StoreConformance, NullCanBeStoredAndRestored) {
  int64_t clinic = AddClinic();
  Json record = PatientRecord("MRN-1");
  record["email"] = "maria@example.org";
  int64_t id = AddPatient(clinic, record);
  MustWrite([&](WriteTransaction& tx) {
    EXPECT_TRUE(tx.UpdateRecord(SchemaOf("patients"), clinic, id, Json{{"email", nullptr}}, 1));
  });
  MustRead([&](ReadTransaction& tx) {
    EXPECT_TRUE(tx.GetRecord(SchemaOf("patients"), clinic, id)->at("email").is_null());
  });
}

TEST_P(StoreConformance, RecordsOfAnotherClinicAreInvisible) {
  const auto& patients = SchemaOf("patients");
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  int64_t id = AddPatient(a, PatientRecord("MRN-1"));
  MustWrite([&](WriteTransaction& tx) {
    EXPECT_FALSE(tx.GetRecord(patients, b, id));
    EXPECT_TRUE(tx.ListRecords(patients, b, ListQuery{}).items.empty());
    EXPECT_EQ(tx.CountRecords(patients, b), 0);
    EXPECT_FALSE(tx.FindByKey(patients, b, {"mrn"}, Json{{"mrn", "MRN-1"}}, 0));
    EXPECT_FALSE(tx.UpdateRecord(patients, b, id, Json{{"family_name", "Changed"}}, 1));
  });
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(tx.GetRecord(patients, a, id)->at("family_name"), "Okafor");
    EXPECT_EQ(tx.GetRecord(patients, a, id)->at("version"), 1);
  });
}

TEST_P(StoreConformance, ReferenceIntoAnotherClinicIsRejected) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  int64_t patient = AddPatient(a, PatientRecord("MRN-1"));
  Status status = store_->Write([&](WriteTransaction& tx) -> Status {
    tx.InsertRecord(SchemaOf("knees"), b, Json{{"patient_id", patient}, {"side", "left"}}, false);
    return Ok{};
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  MustRead([&](ReadTransaction& tx) { EXPECT_EQ(tx.CountRecords(SchemaOf("knees"), b), 0); });
}

TEST_P(StoreConformance, PagesFollowAfterId) {
  const auto& patients = SchemaOf("patients");
  int64_t clinic = AddClinic();
  int64_t other = AddClinic("Other");
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(AddPatient(clinic, PatientRecord("MRN-" + std::to_string(i))));
    AddPatient(other, PatientRecord("MRN-" + std::to_string(i)));  // interleaved ids of another clinic
  }
  MustRead([&](ReadTransaction& tx) {
    std::vector<int64_t> seen;
    std::vector<size_t> page_sizes;
    ListQuery query;
    query.limit = 2;
    for (int guard = 0; guard < 10; ++guard) {
      RecordPage page = tx.ListRecords(patients, clinic, query);
      page_sizes.push_back(page.items.size());
      for (const auto& item : page.items) seen.push_back(item.at("id"));
      if (!page.next_after_id) break;
      EXPECT_EQ(*page.next_after_id, seen.back());
      query.after_id = *page.next_after_id;
    }
    EXPECT_EQ(seen, ids);
    EXPECT_EQ(page_sizes, (std::vector<size_t>{2, 2, 1}));

    query = ListQuery{};
    query.limit = 5;  // exactly all: no further page is announced
    EXPECT_FALSE(tx.ListRecords(patients, clinic, query).next_after_id);
  });
}

TEST_P(StoreConformance, FiltersMatchValuesAndNull) {
  const auto& patients = SchemaOf("patients");
  const auto& practitioners = SchemaOf("practitioners");
  int64_t clinic = AddClinic();
  Json male = PatientRecord("MRN-1", "Adams");
  male["sex"] = "male";
  male["email"] = "a@example.org";
  int64_t male_id = AddPatient(clinic, male);
  int64_t female_id = AddPatient(clinic, PatientRecord("MRN-2", "Baker"));
  int64_t inactive = 0;
  MustWrite([&](WriteTransaction& tx) {
    tx.InsertRecord(practitioners, clinic, Json{{"full_name", "Dr A"}, {"active", true}}, false);
    inactive = tx.InsertRecord(practitioners, clinic, Json{{"full_name", "Dr B"}, {"active", false}}, false);
  });
  auto ids = [](const RecordPage& page) {
    std::vector<int64_t> out;
    for (const auto& item : page.items) out.push_back(item.at("id"));
    return out;
  };
  MustRead([&](ReadTransaction& tx) {
    ListQuery by_sex;
    by_sex.filters = {{patients.Field("sex"), "male"}};
    EXPECT_EQ(ids(tx.ListRecords(patients, clinic, by_sex)), std::vector<int64_t>{male_id});
    ListQuery no_email;
    no_email.filters = {{patients.Field("email"), nullptr}};
    EXPECT_EQ(ids(tx.ListRecords(patients, clinic, no_email)), std::vector<int64_t>{female_id});
    ListQuery by_date;
    by_date.filters = {{patients.Field("birth_date"), "1961-04-17"}, {patients.Field("mrn"), "MRN-2"}};
    EXPECT_EQ(ids(tx.ListRecords(patients, clinic, by_date)), std::vector<int64_t>{female_id});
    ListQuery not_active;
    not_active.filters = {{practitioners.Field("active"), false}};
    EXPECT_EQ(ids(tx.ListRecords(practitioners, clinic, not_active)), std::vector<int64_t>{inactive});
  });
}

TEST_P(StoreConformance, ChosenFieldsAreReadAndNoOtherKeyIsThere) {
  const auto& patients = SchemaOf("patients");
  int64_t clinic = AddClinic();
  Json record = PatientRecord("MRN-1", "Adams");
  record["sex"] = "male";
  record["email"] = "a@example.org";
  int64_t id = AddPatient(clinic, record);
  MustRead([&](ReadTransaction& tx) {
    ListQuery query;
    query.fields = {patients.Field("sex"), patients.Field("mrn")};
    query.filters = {{patients.Field("email"), "a@example.org"}};  // filters may name fields not chosen
    auto page = tx.ListRecords(patients, clinic, query);
    ASSERT_EQ(page.items.size(), 1u);
    const Json& read = page.items[0];
    EXPECT_EQ(read.at("id"), id);
    EXPECT_EQ(read.at("sex"), "male");
    EXPECT_EQ(read.at("mrn"), "MRN-1");
    EXPECT_EQ(read.at("synthetic"), false);
    EXPECT_FALSE(read.contains("email")) << "a field not chosen is not read";
    EXPECT_FALSE(read.contains("family_name"));
    EXPECT_FALSE(read.contains("created_at"));
    EXPECT_EQ(read.size(), 4u) << read.dump();
    const Json whole = tx.ListRecords(patients, clinic, ListQuery{}).items[0];
    EXPECT_EQ(whole.at("email"), "a@example.org") << "a read of every field is whole";
    EXPECT_TRUE(whole.contains("created_at"));
  });
}

TEST_P(StoreConformance, SearchMatchesPrefixesCaseInsensitively) {
  const auto& patients = SchemaOf("patients");
  int64_t clinic = AddClinic();
  int64_t okafor = AddPatient(clinic, PatientRecord("MRN-1", "Okafor", "Maria"));
  int64_t smith = AddPatient(clinic, PatientRecord("XY-2", "Smith", "Olu"));
  int64_t ozil = AddPatient(clinic, PatientRecord("MRN-3", "Özil", "Ece"));
  auto search = [&](ReadTransaction& tx, const std::string& text) {
    ListQuery query;
    query.search = text;
    std::vector<int64_t> out;
    for (const auto& item : tx.ListRecords(patients, clinic, query).items) out.push_back(item.at("id"));
    return out;
  };
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(search(tx, "OKA"), std::vector<int64_t>{okafor});
    EXPECT_EQ(search(tx, "o"), (std::vector<int64_t>{okafor, smith}));  // family or given name
    EXPECT_EQ(search(tx, "xy-"), std::vector<int64_t>{smith});          // MRN
    EXPECT_TRUE(search(tx, "kafor").empty());                           // a prefix, not a substring
    // Non-ASCII text matches itself on every backend (SQLite folds the case of ASCII letters only).
    EXPECT_EQ(search(tx, "Öz"), std::vector<int64_t>{ozil});
  });
}

TEST_P(StoreConformance, SearchTreatsWildcardsLiterally) {
  const auto& patients = SchemaOf("patients");
  int64_t clinic = AddClinic();
  AddPatient(clinic, PatientRecord("MRN-1", "Smith", "Ann"));
  int64_t percent = AddPatient(clinic, PatientRecord("MRN-2", "%Lee", "Bo"));
  int64_t underscore = AddPatient(clinic, PatientRecord("MRN-3", "O_Neil", "Cy"));
  int64_t backslash = AddPatient(clinic, PatientRecord("MRN-4", "\\Ng", "Di"));
  auto search = [&](ReadTransaction& tx, const std::string& text) {
    ListQuery query;
    query.search = text;
    std::vector<int64_t> out;
    for (const auto& item : tx.ListRecords(patients, clinic, query).items) out.push_back(item.at("id"));
    return out;
  };
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(search(tx, "%"), std::vector<int64_t>{percent});
    EXPECT_EQ(search(tx, "O_"), std::vector<int64_t>{underscore});
    EXPECT_TRUE(search(tx, "S_").empty());
    EXPECT_EQ(search(tx, "\\"), std::vector<int64_t>{backslash});
    EXPECT_TRUE(search(tx, "'; --").empty());
  });
}

TEST_P(StoreConformance, FindByKeyHonoursClinicAndExcludedId) {
  const auto& patients = SchemaOf("patients");
  const auto& knees = SchemaOf("knees");
  int64_t clinic = AddClinic();
  int64_t patient = AddPatient(clinic, PatientRecord("MRN-1"));
  int64_t knee = 0;
  MustWrite([&](WriteTransaction& tx) {
    knee = tx.InsertRecord(knees, clinic, Json{{"patient_id", patient}, {"side", "left"}}, false);
  });
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(tx.FindByKey(patients, clinic, {"mrn"}, Json{{"mrn", "MRN-1"}}, 0), patient);
    EXPECT_FALSE(tx.FindByKey(patients, clinic, {"mrn"}, Json{{"mrn", "MRN-1"}}, patient));
    EXPECT_FALSE(tx.FindByKey(patients, clinic, {"mrn"}, Json{{"mrn", "MRN-9"}}, 0));
    Json key = {{"patient_id", patient}, {"side", "left"}};
    EXPECT_EQ(tx.FindByKey(knees, clinic, {"patient_id", "side"}, key, 0), knee);
    key["side"] = "right";
    EXPECT_FALSE(tx.FindByKey(knees, clinic, {"patient_id", "side"}, key, 0));
  });
}

TEST_P(StoreConformance, DuplicateKeyIsAConflictNamingTheField) {
  const auto& patients = SchemaOf("patients");
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  int64_t first = AddPatient(a, PatientRecord("MRN-1"));
  auto insert = [&](int64_t clinic, const std::string& resource, const Json& record) {
    return store_->Write([&](WriteTransaction& tx) -> Status {
      tx.InsertRecord(SchemaOf(resource), clinic, record, false);
      return Ok{};
    });
  };
  Status duplicate = insert(a, "patients", PatientRecord("MRN-1", "Other"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  ASSERT_EQ(duplicate.error().fields.size(), 1u);
  EXPECT_EQ(duplicate.error().fields[0].field, "mrn");
  EXPECT_EQ(duplicate.error().fields[0].message.find("MRN-1"), std::string::npos);

  EXPECT_TRUE(insert(b, "patients", PatientRecord("MRN-1")).ok()) << "the same MRN in another clinic";

  ASSERT_TRUE(insert(a, "knees", Json{{"patient_id", first}, {"side", "left"}}).ok());
  Status knee = insert(a, "knees", Json{{"patient_id", first}, {"side", "left"}});
  ASSERT_FALSE(knee.ok());
  EXPECT_EQ(knee.error().code, ErrorCode::kConflict);
  ASSERT_EQ(knee.error().fields.size(), 1u);
  EXPECT_EQ(knee.error().fields[0].field, "patient_id,side");

  int64_t second = AddPatient(a, PatientRecord("MRN-2"));  // the store still works after the failures
  Status renamed = store_->Write([&](WriteTransaction& tx) -> Status {
    tx.UpdateRecord(patients, a, second, Json{{"mrn", "MRN-1"}}, 1);
    return Ok{};
  });
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.error().fields.at(0).field, "mrn");
  MustRead([&](ReadTransaction& tx) { EXPECT_EQ(tx.CountRecords(patients, a), 2); });
}

TEST_P(StoreConformance, WriteReturningAnErrorLeavesNothingBehind) {
  const auto& patients = SchemaOf("patients");
  int64_t clinic = AddClinic();
  int64_t kept = AddPatient(clinic, PatientRecord("MRN-0"));
  Status status = store_->Write([&](WriteTransaction& tx) -> Status {
    tx.InsertRecord(patients, clinic, PatientRecord("MRN-1"), false);
    tx.UpdateRecord(patients, clinic, kept, Json{{"family_name", "Changed"}}, 1);
    AuditEntry entry{.username = "ana", .role = "admin", .action = "create", .object_type = "patients"};
    tx.AppendAudit(entry);
    return Error::NotFound("the knee does not exist");
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(tx.CountRecords(patients, clinic), 1);
    EXPECT_EQ(tx.GetRecord(patients, clinic, kept)->at("family_name"), "Okafor");
    EXPECT_TRUE(tx.ListAudit(std::nullopt, 0, 10).empty());
  });
  AddPatient(clinic, PatientRecord("MRN-1"));  // the rolled-back insert left no trace of its key
}

TEST_P(StoreConformance, UpdateAppliesOnlyAtTheExpectedVersion) {
  const auto& patients = SchemaOf("patients");
  int64_t clinic = AddClinic();
  int64_t id = AddPatient(clinic, PatientRecord("MRN-1"));
  MustWrite([&](WriteTransaction& tx) {
    EXPECT_TRUE(tx.UpdateRecord(patients, clinic, id, Json{{"family_name", "Second"}}, 1));
    EXPECT_FALSE(tx.UpdateRecord(patients, clinic, id, Json{{"family_name", "Stale"}}, 1));
    EXPECT_TRUE(tx.UpdateRecord(patients, clinic, id, Json{{"family_name", "Third"}}, 2));
    EXPECT_FALSE(tx.UpdateRecord(patients, clinic, id + 1000, Json{{"family_name", "Nobody"}}, 1));
  });
  MustRead([&](ReadTransaction& tx) {
    auto got = tx.GetRecord(patients, clinic, id);
    EXPECT_EQ(got->at("version"), 3);
    EXPECT_EQ(got->at("family_name"), "Third");
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(kAllTestBackends), BackendName);

}  // namespace
}  // namespace kneeregen::testing
