// Random draws for the synthetic demo data that give the same numbers on every standard library: the
// engine is std::mt19937_64 (its output is fixed by the standard) and every transform is written out here,
// because std::normal_distribution and friends are implementation-defined.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>

namespace kneeregen {

// A well-mixed 64-bit seed for stream `stream` of the run seeded with `seed` (SplitMix64 finaliser), so
// each patient draws from its own stream and does not depend on how many patients came before.
inline uint64_t DemoStreamSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) : engine_(seed) {}

  // Uniform on [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  // Uniform integer on [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Uniform() * static_cast<double>(hi - lo + 1));
  }
  // Box–Muller; 1 - u keeps the logarithm finite.
  double Normal(double mean, double sd) {
    double radius = std::sqrt(-2.0 * std::log(1.0 - Uniform()));
    return mean + sd * radius * std::cos(6.283185307179586 * Uniform());
  }
  // Normal restricted to [lo, hi] by rejection (the bounds here are at least 2.5 sd apart).
  double TruncatedNormal(double mean, double sd, double lo, double hi) {
    for (int i = 0; i < 100; ++i) {
      double x = Normal(mean, sd);
      if (x >= lo && x <= hi) return x;
    }
    return mean;
  }
  // Waiting time of a Poisson process with this rate (events per unit of time).
  double Exponential(double rate) { return -std::log(1.0 - Uniform()) / rate; }
  // Index drawn with probability proportional to its weight.
  int Weighted(std::initializer_list<double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Uniform() * total;
    int i = 0;
    for (double w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return i - 1;
  }
  template <class T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[static_cast<size_t>(Between(0, N - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace kneeregen
