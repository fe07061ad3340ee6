// The API description: served at /api/v1/openapi.json as OpenAPI 3.1 covering every /api/ route of the
// route table, and equal to the committed docs/openapi.json, so that a change to the API shows up in review.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "api_fixture.hpp"

namespace kneeregen::testing {
namespace {

class OpenApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { world_ = new ApiWorld(ApiBackend::kSqlite); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  static Json Served() {
    HttpReply reply = world_->Get("/api/v1/openapi.json", nullptr);
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    EXPECT_EQ(reply.Header("Content-Type").rfind("application/json", 0), 0u);
    return reply.json();
  }

  static ApiWorld* world_;
};

ApiWorld* OpenApiTest::world_ = nullptr;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(OpenApiTest, TheServedDocumentIsOpenApi31AndDescribesEveryApiRoute) {
  Json doc = Served();
  ASSERT_FALSE(doc.is_discarded()) << "the document is not JSON";
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["info"]["title"].is_string());
  EXPECT_TRUE(doc["info"]["version"].is_string());
  ASSERT_TRUE(doc["paths"].is_object());

  size_t operations = 0;
  for (const api::Route& route : world_->routes()) {
    if (route.path.rfind("/api/", 0) != 0) continue;
    const std::string method = Lower(api::MethodName(route.method));
    SCOPED_TRACE(method + " " + route.path);
    ASSERT_TRUE(doc["paths"].contains(route.path)) << "path missing from the document";
    ASSERT_TRUE(doc["paths"][route.path].contains(method)) << "operation missing from the document";
    const Json& op = doc["paths"][route.path][method];
    ++operations;
    EXPECT_TRUE(op["summary"].is_string() && !op["summary"].get<std::string>().empty());
    EXPECT_TRUE(op["responses"].is_object() && !op["responses"].empty());
    if (route.access.survey_link) {
      EXPECT_EQ(op["security"], Json::parse(R"([{"survey_link":[]}])")) << "a survey route names its cookie";
    } else if (route.access.is_public) {
      EXPECT_EQ(op["security"], Json::array()) << "a public route must say it needs no session";
    } else {
      ASSERT_TRUE(op["x-roles"].is_array()) << "a signed-in route must list its roles";
      EXPECT_FALSE(op["x-roles"].empty());
      for (const auto& role : op["x-roles"]) {
        auto parsed = ParseRole(role.get<std::string>());
        ASSERT_TRUE(parsed.has_value()) << role;
        EXPECT_TRUE(route.access.Allows(*parsed)) << role << " is listed but not allowed";
      }
    }
    EXPECT_EQ(op.contains("requestBody"), route.request_schema != nullptr || route.request_json_schema != nullptr)
        << "the body description";
    EXPECT_EQ(op.contains("parameters"),
              route.path.find("{id}") != std::string::npos || !route.query_parameters.empty());
  }
  // Nothing in the document that the server does not serve.
  size_t documented = 0;
  for (const auto& [path, item] : doc["paths"].items()) documented += item.size();
  EXPECT_EQ(documented, operations);
  EXPECT_GT(operations, 30u);
  // Every $ref points at a component that exists.
  std::string text = doc.dump();
  for (size_t pos = text.find("\"$ref\":\""); pos != std::string::npos; pos = text.find("\"$ref\":\"", pos + 1)) {
    size_t start = pos + 8;
    std::string ref = text.substr(start, text.find('"', start) - start);
    ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
    EXPECT_FALSE(doc.value(Json::json_pointer(ref.substr(1)), Json()).is_null()) << "dangling " << ref;
  }
}

TEST_F(OpenApiTest, TheServedDocumentEqualsTheCommittedOne) {
  Json served = Served();
  ASSERT_FALSE(served.is_discarded());
  const std::string committed_path = std::string(KNEEREGEN_SOURCE_DIR) + "/docs/openapi.json";
  const std::string fresh_path = std::string(KNEEREGEN_BINARY_DIR) + "/openapi.json";

  std::ifstream in(committed_path);
  std::stringstream text;
  text << in.rdbuf();
  Json committed = Json::parse(text.str(), nullptr, false);
  if (in && !committed.is_discarded() && committed == served) return;

  std::ofstream(fresh_path) << served.dump(2) << "\n";
  FAIL() << (in ? committed.is_discarded() ? "docs/openapi.json is not valid JSON"
                                           : "docs/openapi.json differs from what the server serves"
                : "docs/openapi.json is missing")
         << ".\nThe server's document was written to " << fresh_path
         << "; review the API change, then commit it with:\n  cp " << fresh_path << " " << committed_path;
}

}  // namespace
}  // namespace kneeregen::testing
