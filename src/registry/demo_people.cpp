// Invented people for the demo clinic: practitioners and patients' names, birth dates and contact details.
// Contact details point nowhere on purpose: email under example.invalid (RFC 2606), phone numbers in the
// 555-0100..0199 block reserved for fiction, NPIs with a wrong check digit.
#include <cstdio>

#include "registry/demo_cohort.hpp"
#include "registry/demo_random.hpp"

namespace kneeregen {

namespace {

constexpr const char* kFemaleNames[] = {
    "Maria",   "Jennifer", "Linda",    "Patricia", "Susan", "Karen",    "Nancy",   "Lisa",   "Sandra",
    "Donna",   "Carol",    "Michelle", "Laura",    "Sarah", "Kimberly", "Deborah", "Angela", "Helen",
    "Rebecca", "Sharon",   "Cynthia",  "Kathleen", "Amy",   "Anna",     "Brenda",  "Pamela", "Nicole",
    "Emma",    "Grace",    "Rosa",     "Mei",      "Priya", "Aisha",    "Yuki",    "Ingrid", "Fatima"};
constexpr const char* kMaleNames[] = {
    "James",   "Robert",  "John",    "Michael", "David",  "William", "Richard", "Joseph", "Thomas",
    "Charles", "Daniel",  "Matthew", "Anthony", "Mark",   "Donald",  "Steven",  "Paul",   "Andrew",
    "Kenneth", "Kevin",   "Brian",   "George",  "Edward", "Ronald",  "Timothy", "Jason",  "Carlos",
    "Luis",    "Hiroshi", "Wei",     "Arjun",   "Omar",   "Tomas",   "Samuel",  "Peter",  "Ahmed"};
constexpr const char* kFamilyNames[] = {
    "Smith",    "Johnson",   "Williams", "Brown",    "Jones",    "Garcia",   "Miller", "Davis",   "Rodriguez",
    "Martinez", "Hernandez", "Lopez",    "Gonzalez", "Wilson",   "Anderson", "Thomas", "Taylor",  "Moore",
    "Jackson",  "Martin",    "Lee",      "Perez",    "Thompson", "White",    "Harris", "Sanchez", "Clark",
    "Ramirez",  "Lewis",     "Robinson", "Walker",   "Young",    "Allen",    "King",   "Wright",  "Scott",
    "Nguyen",   "Hill",      "Flores",   "Green",    "Adams",    "Nelson",   "Baker",  "Hall",    "Rivera",
    "Campbell", "Mitchell",  "Carter",   "Roberts",  "Okafor",   "Kim",      "Chen",   "Patel",   "Larsen",
    "Novak",    "Schmidt",   "Tanaka",   "Silva",    "Murphy",   "Olsen"};
// Portland-area and Willamette Valley ZIP codes (the clinic's time zone is America/Los_Angeles).
constexpr const char* kZips[] = {"97201", "97202", "97205", "97209", "97210", "97212", "97214", "97217",
                                 "97219", "97222", "97223", "97225", "97229", "97005", "97006", "97008",
                                 "97030", "97035", "97045", "97062", "97068", "97070", "97123", "97124",
                                 "97301", "97302", "97330", "97401", "98660", "98682", "98607", "97034"};
constexpr const char* kAreaCodes[] = {"503", "971", "360", "541"};

constexpr const char* kPractitionerNames[] = {
    "Dana Whitfield", "Lena Marsh",  "Omar Haddad", "Rachel Ibsen", "Tobias Grant",
    "Priya Raman",    "Marcus Bell", "Elena Voss",  "Samuel Osei",  "Hannah Lindqvist"};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Any digit but the one the NPI Luhn check (over "80840" + the first nine digits) would give.
char WrongNpiCheckDigit(const std::string& first_nine, DemoRandom& random) {
  std::string digits = "80840" + first_nine;
  int sum = 0;
  bool twice = true;  // the check digit would sit to the right, so the rightmost payload digit doubles
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, twice = !twice) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  int check = (10 - sum % 10) % 10;
  return static_cast<char>('0' + (check + 1 + random.Between(0, 8)) % 10);
}

}  // namespace

std::vector<DemoPractitioner> GenerateDemoPractitioners(uint64_t seed) {
  DemoRandom random(DemoStreamSeed(seed, 0));
  constexpr size_t kNames = std::size(kPractitionerNames);
  bool used[kNames] = {};
  std::vector<DemoPractitioner> out(static_cast<size_t>(random.Between(4, 6)));
  for (size_t i = 0; i < out.size(); ++i) {
    size_t name = static_cast<size_t>(random.Between(0, kNames - 1));
    while (used[name]) name = (name + 1) % kNames;
    used[name] = true;
    // The first is the medical director; at least one physician reads radiographs.
    static constexpr const char* kCredentials[] = {"MD", "DO", "PA-C"};
    auto& p = out[i];
    p.credentials = kCredentials[i == 0 ? 0 : random.Weighted({0.5, 0.25, 0.25})];
    p.full_name = std::string(kPractitionerNames[name]) + ", " + p.credentials;
    p.reads_radiographs = p.credentials != "PA-C";
    p.npi = std::to_string(random.Between(100000000, 199999999));
    p.npi += WrongNpiCheckDigit(p.npi, random);
  }
  return out;
}

double GenerateDemoIdentity(DemoRandom& random, int64_t number, int mrn_digits, DemoPatient& out) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "SYN-%0*lld", mrn_digits, static_cast<long long>(number));
  out.number = number;
  out.mrn = buf;

  double u = random.Uniform();
  out.sex = u < 0.55 ? "female" : u < 0.99 ? "male" : u < 0.995 ? "other" : "unknown";
  bool female_name = out.sex == "female" || (out.sex != "male" && random.Chance(0.5));
  out.given_name = female_name ? random.Pick(kFemaleNames) : random.Pick(kMaleNames);
  out.family_name = random.Pick(kFamilyNames);

  // Baselines spread over the five years before the reference date, on weekdays.
  out.baseline_date = kDemoReferenceDate - std::chrono::days{random.Between(1, 5 * 365)};
  std::chrono::weekday weekday{out.baseline_date};
  if (weekday == std::chrono::Saturday || weekday == std::chrono::Sunday)
    out.baseline_date -= std::chrono::days{weekday == std::chrono::Saturday ? 1 : 2};
  double age = random.TruncatedNormal(58, 11, 30, 88);
  out.birth_date = out.baseline_date - std::chrono::days{static_cast<int64_t>(age * 365.2425)};

  out.email = Lower(out.given_name) + "." + Lower(out.family_name) + "." + std::to_string(number) +
              "@example.invalid";
  std::snprintf(buf, sizeof buf, "%s-555-01%02d", random.Pick(kAreaCodes),
                static_cast<int>(random.Between(0, 99)));
  out.phone = buf;
  out.zip = random.Pick(kZips);
  return age;
}

}  // namespace kneeregen
