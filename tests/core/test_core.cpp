#include <atomic>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/fastlog.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/core/toml_text.hpp>
#include <countyscope/core/types.hpp>

TEST(Types, SaturatingAddNeverWraps) {
  EXPECT_EQ(cs::sat_add(1, 2), 3u);
  EXPECT_EQ(cs::sat_add(cs::kInfWeight, 1), cs::kInfWeight);
  EXPECT_EQ(cs::sat_add(cs::kInfWeight - 1, 5), cs::kInfWeight);
  EXPECT_TRUE(std::isinf(cs::to_seconds(cs::kInfWeight)));
  EXPECT_FLOAT_EQ(cs::to_seconds(1500), 1.5f);
  EXPECT_EQ(cs::from_seconds(1.5), 1500u);
}

TEST(Error, InputMessageNamesFileWhereAndField) {
  cs::InputError e("villages.csv", "line 12", "population", "negative value -3");
  EXPECT_STREQ(e.what(), "villages.csv: line 12, field 'population': negative value -3");
  EXPECT_EQ(e.exit_code(), 1);
  auto u = cs::unknown_value("decay", "exp2", {"flat", "linear"});
  EXPECT_STREQ(u.what(), "unknown decay 'exp2'; expected one of: flat, linear");
  EXPECT_EQ(u.exit_code(), 2);
}

// The guard run before toml++ 3.3 (found by fuzz/toml): non-ASCII text is fine in strings and comments, never
// outside them, and a non-ASCII character right after a line-ending backslash is refused (toml++ issue #190).
TEST(Error, CheckTomlTextAllowsNonAsciiOnlyInStringsAndComments) {
  EXPECT_NO_THROW(cs::check_toml_text("seat = \"Zürich\"  # é, 、。\nname = 'Ölberg'\n", "a.toml"));
  EXPECT_NO_THROW(cs::check_toml_text("s = \"\"\"\nmulti é\n\"\"\"\"\nt = '''x ü''''\n", "a.toml"));
  EXPECT_NO_THROW(cs::check_toml_text("s = \"\"\"a \\\n  b é\"\"\"\nq = \"\\\"é\"\n", "a.toml"));
  try {
    cs::check_toml_text("a = 1\nb = 2。\n", "a.toml");
    FAIL() << "no error";
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(e.what(), "a.toml: line 2: non-ASCII character outside a string or comment");
  }
  EXPECT_THROW(cs::check_toml_text("s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "a.toml"), cs::InputError);
  EXPECT_THROW(cs::check_toml_text("\xcc\xaa", "a.toml"), cs::InputError);
  EXPECT_THROW(cs::check_toml_text("a = -\"\xc2\xa7\"\n", "a.toml"), cs::InputError);  // not a string start
  EXPECT_THROW(cs::check_toml_text("s = \"\"\"y\n\\\xc2\xa7\"\"\"\n", "a.toml"), cs::InputError);  // \§
  EXPECT_NO_THROW(cs::check_toml_text("[\"é\".'ü']\nx = [\"é\", {k = 'ü'}]\n", "a.toml"));
}

// A table header without a name (`[:`, found by fuzz/toml) makes toml++ 3.3 assert in parse_key: refused with
// the line; every valid header, and an array continued on a new line (not a header), still passes.
TEST(Error, CheckTomlTextRefusesTableHeaderWithoutName) {
  try {
    cs::check_toml_text("a = 1\n\n[:\n", "plan.toml");
    FAIL() << "no error";
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(
        e.what(),
        "plan.toml: line 3: a table header needs a name after '[' (letters, digits, '_' or '-', or a quoted "
        "name), got ':'");
  }
  try {
    cs::check_toml_text("  [[ =x]]", "s.toml");
    FAIL() << "no error";
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(
        e.what(),
        "s.toml: line 1: a table header needs a name after '[[' (letters, digits, '_' or '-', or a quoted "
        "name), got '='");
  }
  for (const char* bad : {"[\n", "[\r\n", "[#x]\n", "[[[a]]]\n", "[ .a]\n", "[{}]\n", "x = 1 # [\n[,]"})
    EXPECT_THROW(cs::check_toml_text(bad, "a.toml"), cs::InputError) << bad;
  for (const char* good :
       {"[a]\n", " [ a . b ]\n", "[[a]]\n[[ 'b' ]]\n", "[\"x y\".z]\n", "[-_9]\n", "[]\n", "[ [a]]\n", "[",
        "[[", "x = [\n  {a = 1},\n  [\n  # c\n],\n]\n[t]\n", "s = \"\"\"\n[:\n\"\"\"\n", "# [:\n"})
    EXPECT_NO_THROW(cs::check_toml_text(good, "a.toml")) << good;
}

TEST(Error, CheckTomlTextRefusesADateSpaceDigitBeforeATerminator) {
  // toml++ 3.3 asserts `!is_value_terminator(*cp)` in parse_value's scan after `1979-05-05 5` when more text
  // follows (found by the ASan replay of the fuzz corpus, input `s =1979-79-05 5 o`).
  try {
    cs::check_toml_text("x = 1\ns =1979-79-05 5 o", "s.toml");
    FAIL() << "no error";
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(e.what(),
                 "s.toml: line 2: a date followed by a space and a single digit (write a date-time as "
                 "1979-05-27 07:32:00, or quote the text)");
  }
  for (const char* bad : {"s = [1979-05-05 1]", "s = {a = 1979-05-05 1, b = 2}", "s = [\n1979-05-05 1\n]",
                          "s = 1979-05-05 5\n", "s = 1_979-05-05 5 #"})
    EXPECT_THROW(cs::check_toml_text(bad, "a.toml"), cs::InputError) << bad;
  for (const char* good :
       {"s = 1979-05-05 5", "s = 1979-05-05 12:00:00", "s = 1979-05-05 12 x", "s = 1979-05-05",
        "s = '1979-05-05 5 o'", "s = 1979-05-05T05:00:00 # 1979-05-05 5 o", "s = 19790-05-05 5 x"})
    EXPECT_NO_THROW(cs::check_toml_text(good, "a.toml")) << good;
}

TEST(Error, CheckTomlTextNoStringOpensInsideABareValue) {
  // fuzz/toml: `nAmi =-"n...~=""" U+0341 ...`: the '=' and '"""' inside the bare value `-"n...` opened a
  // string here, so the non-ASCII character after them passed to toml++'s Unicode whitespace test (undefined
  // behaviour).
  const std::string input = std::string("nAmi =-\"n") + '\0' + "~~~=\"\"\"\xcd\x81\xfd" + "Cf~\n~nd";
  try {
    cs::check_toml_text(input, "s.toml");
    FAIL() << "no error";
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(e.what(), "s.toml: line 1: non-ASCII character outside a string or comment");
  }
  for (const char* bad : {"x = -a=\"\u00e9\"", "x = [1, 2a\"\u00e9\"]", "x = {a = 1\"\u00e9\"}"})
    EXPECT_THROW(cs::check_toml_text(bad, "a.toml"), cs::InputError) << bad;
  for (const char* good :
       {"name=\"\u5317\u4eac\"", "[a.\"\u5317\u4eac\"]\nx = 1", "[[a.\"\u5317\"]]\n[[ b . \"\u4eac\" ]]",
        "x = [\"\u5317\", '\u4eac']", "x = {a=\"\u5317\", b = 1}", "x = [\n  \"\u5317\",\n  1, # \u4eac\n]",
        "x = 1#\u5317", "x = 1979-05-27T07:32:00Z # \u5317", "x = true\ny = \"\u5317\""})
    EXPECT_NO_THROW(cs::check_toml_text(good, "a.toml")) << good;
}

TEST(Error, CheckTomlTextRefusesABraceClosingAnArray) {
  // toml++ 3.3 asserts `!is_value_terminator(*cp)` in parse_value for these (found by the ASan replay of the
  // fuzz corpus, input `a= [}r`).
  try {
    cs::check_toml_text("x = 1\na = [1,\n  # c\n}\n", "s.toml");
    FAIL() << "no error";
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(
        e.what(),
        "s.toml: line 4: a '}' inside an array (an array closes with ']', an inline table with '}')");
  }
  for (const char* bad : {"a= [}r", "a = [[}]]", "a = {b = [}]}", "a = [{},}]", "a = [\n}"})
    EXPECT_THROW(cs::check_toml_text(bad, "a.toml"), cs::InputError) << bad;
  for (const char* good : {"a = [{}]", "a = [{b = [1]}, {}]", "a = {b = [1, 2]}", "a = '[}'", "a = [\"}\"]",
                           "a = [] # }", "[t]\na = [ {x = 1} ]"})
    EXPECT_NO_THROW(cs::check_toml_text(good, "a.toml")) << good;
}

TEST(Parallel, VisitsEveryIndexOnceAndRethrows) {
  for (int threads : {1, 2, 4}) {
    std::vector<std::atomic<int>> hits(1000);
    cs::parallel_for(
        hits.size(), threads, [&](std::size_t i, int) { hits[i]++; }, 7);
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  }
  EXPECT_THROW(cs::parallel_for(100, 2,
                                [](std::size_t i, int) {
                                  if (i == 50) throw std::runtime_error("x");
                                }),
               std::runtime_error);
}

// More threads than the system starts (an address-space limit with room for a few thread stacks, in a forked
// child so that the resident team is not used): parallel_for finishes on the threads that started,
// parallel_team refuses with a ResourceError naming the team size, and nothing aborts (was: std::terminate
// for
// --threads 100000000).
TEST(Parallel, MoreThreadsThanTheSystemStarts) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizers reserve more address space than the limit leaves";
#else
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    long pages = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld", &pages) != 1) pages = 0;
      std::fclose(f);
    }
    const rlimit lim{static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + (256u << 20),
                     RLIM_INFINITY};
    if (pages == 0 || ::setrlimit(RLIMIT_AS, &lim) != 0) ::_exit(10);
    int code = 0;
    std::vector<std::atomic<int>> hits(20000);
    cs::parallel_for(hits.size(), 400, [&](std::size_t i, int) { hits[i]++; });
    for (auto& h : hits)
      if (h.load() != 1) code |= 1;
    try {
      cs::parallel_team(400, [](int, int) {});
      code |= 2;
    } catch (const cs::ResourceError& e) {
      if (std::string(e.what()).find("cannot start 400 threads") != 0) code |= 4;
    }
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "1: an index missed, 2: the team started, 4: another message, 10: no limit";
#endif
}

TEST(Rng, DeterministicAndUnbiasedEnough) {
  cs::Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
  cs::Rng r(7);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100000; ++i) counts[r.below(10)]++;
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  for (int i = 0; i < 1000; ++i) {
    double u = r.uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(FastLog, WithinOneUlpOfStdLog) {
  cs::Rng rng(20261130);
  auto ulps = [](double a, double b) {
    if (a == b) return 0.0;
    return std::fabs(a - b) / (std::nextafter(std::fabs(b), INFINITY) - std::fabs(b));
  };
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = std::exp(rng.uniform() * 1400.0 - 700.0);  // 1e-304 .. 1e304
    worst = std::max(worst, ulps(cs::log_nonneg(x), std::log(x)));
    const double p = rng.uniform();
    worst = std::max(worst, ulps(cs::log_nonneg(p), std::log(p)));
  }
  for (double x : {1.0, 0.5, 2.0, std::sqrt(0.5), std::sqrt(2.0), std::nextafter(1.0, 0.0), 1e300})
    worst = std::max(worst, ulps(cs::log_nonneg(x), std::log(x)));
  EXPECT_LE(worst, 1.0);
  EXPECT_EQ(cs::log_nonneg(1.0), 0.0);
  // 0 ln 0 = 0 without a branch: the value at 0 is finite.
  EXPECT_TRUE(std::isfinite(cs::log_nonneg(0.0)));
  EXPECT_EQ(0.0 * cs::log_nonneg(0.0), 0.0);
}

TEST(Parallel, TeamRunsEveryWorkerOnceAndSpinBarrierOrdersPhases) {
  for (int threads : {1, 2, 4}) {
    std::vector<int> phase1(static_cast<std::size_t>(threads), 0), seen(static_cast<std::size_t>(threads), 0);
    cs::SpinBarrier sync(threads);
    cs::parallel_team(threads, [&](int t, int nt) {
      EXPECT_EQ(nt, threads);
      phase1[static_cast<std::size_t>(t)] = t + 1;
      sync.arrive_and_wait();
      int s = 0;
      for (int v : phase1) s += v;  // every worker's phase-1 write is visible
      seen[static_cast<std::size_t>(t)] = s;
      sync.arrive_and_wait();
    });
    for (int s : seen) EXPECT_EQ(s, threads * (threads + 1) / 2);
  }
}
