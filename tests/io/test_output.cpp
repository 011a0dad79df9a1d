// The output contract (issue 13): single files never replace a link, folder or device and report every failed
// write; output folders are swapped in whole with a manifest, refused when foreign, restored on failure;
// stale staging is cleaned; hidden paths never reach a message; GDAL errors never reach stderr.
#include <csignal>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <countyscope/core/error.hpp>
#include <countyscope/core/sha256.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

std::string tree(
    const fs::path& dir) {  // every file with its bytes, sorted: equality = byte-identical folders
  std::map<std::string, std::string> m;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    m[fs::relative(e.path(), dir).string()] = e.is_regular_file() ? cs::read_file(e.path()) : "<dir>";
  std::string s;
  for (const auto& [k, v] : m) s += k + "\n" + v + "\n";
  return s;
}

bool any_hidden(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".staging-") != std::string::npos ||
        e.path().filename().string().find(".backup-") != std::string::npos ||
        e.path().filename().string().rfind(".tmp-", 0) == 0)
      return true;
  return false;
}

// Limits the size of files this process may write (writes beyond fail with EFBIG), restored on destruction.
struct FileSizeLimit {
  rlimit old{};
  explicit FileSizeLimit(rlim_t bytes) {
    std::signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit r = old;
    r.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &r);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &old); }
};

}  // namespace

namespace {
std::string digest(cs::Sha256Impl impl, std::string_view bytes, std::size_t piece = 0) {
  cs::Sha256 h(impl);
  if (piece == 0) piece = bytes.size() + 1;
  for (std::size_t i = 0; i < bytes.size(); i += piece)
    h.update(bytes.data() + i, std::min(piece, bytes.size() - i));
  return h.hex();
}
std::vector<cs::Sha256Impl> impls() {
  std::vector<cs::Sha256Impl> v{cs::Sha256Impl::kPortable};
  if (cs::sha256_hardware_available()) v.push_back(cs::Sha256Impl::kShaNi);
  return v;
}
}  // namespace

TEST(Sha256, PublishedVectors) {
  // FIPS 180-2 / 180-4 examples (NIST CSRC "SHA256.pdf") and the million-'a' vector, on the portable code and
  // on the SHA extensions when this CPU has them (kAuto is one of the two).
  for (const cs::Sha256Impl impl : impls()) {
    SCOPED_TRACE(impl == cs::Sha256Impl::kShaNi ? "SHA-NI" : "portable");
    EXPECT_EQ(digest(impl, ""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(digest(impl, "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(digest(impl, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(digest(impl, std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    EXPECT_EQ(digest(impl, std::string(1000000, 'a'), 7),  // fed in pieces across block ends
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
  EXPECT_EQ(cs::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  cs::test::TempDir tmp;
  cs::write_file(tmp / "f", "abc");
  EXPECT_EQ(cs::sha256_file(tmp / "f").sha256, cs::sha256_hex("abc"));
  EXPECT_EQ(cs::sha256_file(tmp / "f").size, 3u);
}

TEST(Sha256, HardwareAndPortableAgreeOnRandomInput) {
  if (!cs::sha256_hardware_available()) GTEST_SKIP() << "this CPU has no SHA extensions";
  // 3 MB of pseudo-random bytes (fixed seed), every length 0..200 of a prefix and odd piece sizes.
  std::string bytes(3u << 20, '\0');
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (char& c : bytes) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x >> 56);
  }
  for (std::size_t n = 0; n <= 200; ++n)
    ASSERT_EQ(digest(cs::Sha256Impl::kShaNi, std::string_view(bytes).substr(0, n)),
              digest(cs::Sha256Impl::kPortable, std::string_view(bytes).substr(0, n)))
        << n << " bytes";
  EXPECT_EQ(digest(cs::Sha256Impl::kShaNi, bytes), digest(cs::Sha256Impl::kPortable, bytes));
  EXPECT_EQ(digest(cs::Sha256Impl::kShaNi, bytes, 4099), digest(cs::Sha256Impl::kPortable, bytes, 65));
}

TEST(SingleFile, RefusesLinkFolderAndDeviceLeavingThemUnchanged) {
  cs::test::TempDir tmp;
  cs::write_file(tmp / "victim.txt", "precious");
  fs::create_symlink(tmp / "victim.txt", tmp / "link");
  fs::create_directory(tmp / "dir");
  ASSERT_EQ(mkfifo((tmp / "fifo").c_str(), 0644), 0);
  for (const char* name : {"link", "dir", "fifo"}) {
    try {
      cs::write_file_atomic(tmp / name, "new");
      ADD_FAILURE() << name << " was replaced";
    } catch (const cs::IoError& e) {
      EXPECT_NE(std::string(e.what()).find((tmp / name).string()), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(fs::is_symlink(tmp / "link"));
  EXPECT_EQ(cs::read_file(tmp / "victim.txt"), "precious");
  EXPECT_TRUE(fs::is_directory(tmp / "dir"));
  EXPECT_TRUE(fs::is_fifo(tmp / "fifo"));
  EXPECT_FALSE(any_hidden(tmp.path()));
  // A regular file is replaced; an absent one created.
  cs::write_file_atomic(tmp / "victim.txt", "new");
  EXPECT_EQ(cs::read_file(tmp / "victim.txt"), "new");
}

TEST(SingleFile, FailedWriteNamesTheFileAndKeepsTheOldOne) {
  cs::test::TempDir tmp;
  cs::write_file(tmp / "out.csv", "old");
  {
    FileSizeLimit limit(4096);
    try {
      cs::write_file_atomic(tmp / "out.csv", std::string(100000, 'x'));
      ADD_FAILURE() << "no error on a failed write";
    } catch (const cs::IoError& e) {
      const std::string m = e.what();
      EXPECT_EQ(m.rfind((tmp / "out.csv").string() + ": cannot write", 0), 0u) << m;
      EXPECT_EQ(m.find(".tmp-"), std::string::npos) << m;
    }
  }
  EXPECT_EQ(cs::read_file(tmp / "out.csv"), "old");
  EXPECT_FALSE(any_hidden(tmp.path()));
}

TEST(SingleFile, GdalErrorsGoIntoTheExceptionNotToStderr) {
  cs::test::TempDir tmp;
  cs::VectorLayer pts{"places", cs::GeomType::kPoint, {{"name", cs::FieldType::kString}}};
  for (int i = 0; i < 20000; ++i) pts.add(cs::wkt_point({9.5 + i * 1e-5, 47.1}), {std::string(40, 'n')});
  testing::internal::CaptureStderr();
  std::string msg;
  {
    FileSizeLimit limit(64 * 1024);
    try {
      cs::write_geopackage(tmp / "big.gpkg", {pts});
    } catch (const cs::IoError& e) {
      msg = e.what();
    }
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "");
  EXPECT_EQ(msg.rfind((tmp / "big.gpkg").string() + ": ", 0), 0u) << msg;
  EXPECT_EQ(msg.find(".tmp-"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(tmp / "big.gpkg"));
  EXPECT_FALSE(any_hidden(tmp.path()));
}

TEST(OutputFolder, SwappedInWholeWithAManifest) {
  cs::test::TempDir tmp;
  cs::Context ctx;
  ctx.run.command = "plan";
  ctx.run.options = {{"--osm", (tmp / "in.osm").string()}};
  cs::write_file(tmp / "in.osm", "osm bytes");
  ctx.run.inputs = {(tmp / "in.osm").string()};
  {
    cs::OutputDir out(tmp / "run", ctx);
    cs::write_file(out.path("a.txt"), "first");
    cs::write_file(out.path("old_only.csv"), "x");
    out.commit();
  }
  {
    cs::OutputDir out(tmp / "run", ctx);
    cs::write_file(out.path("a.txt"), "second");
    cs::write_file(out.path("sub/b.txt"), "b");
    out.commit();
  }
  EXPECT_FALSE(fs::exists(tmp / "run/old_only.csv")) << "a file of the earlier run survived";
  EXPECT_EQ(cs::read_file(tmp / "run/a.txt"), "second");
  EXPECT_FALSE(any_hidden(tmp.path()));
  const auto m = nlohmann::json::parse(cs::read_file(tmp / "run/manifest.json"));
  EXPECT_EQ(m["command"], "plan");
  EXPECT_EQ(m["options"]["--osm"], (tmp / "in.osm").string());
  ASSERT_EQ(m["inputs"].size(), 1u);
  EXPECT_EQ(m["inputs"][0]["sha256"], cs::sha256_hex("osm bytes"));
  ASSERT_EQ(m["files"].size(), 2u);
  EXPECT_EQ(m["files"][0]["path"], "a.txt");
  EXPECT_EQ(m["files"][0]["size"], 6);
  EXPECT_EQ(m["files"][0]["sha256"], cs::sha256_hex("second"));
  EXPECT_EQ(m["files"][1]["path"], "sub/b.txt");
  EXPECT_EQ(cs::read_file(tmp / "run/manifest.json").find("time"), std::string::npos);
}

TEST(OutputFolder, ASingleFileWrittenIntoItUpdatesTheManifest) {
  // report --html out/demo/report.html after the run: the manifest must describe the new file, not the old.
  cs::test::TempDir tmp;
  {
    cs::OutputDir out(tmp / "run");
    cs::write_file(out.path("report.html"), "old report");
    cs::write_file(out.path("results.json"), "{}");
    out.commit();
  }
  cs::write_file_atomic(tmp / "run/report.html", "new report");
  cs::write_file_atomic(tmp / "run/another.html", "added");
  const auto m = nlohmann::json::parse(cs::read_file(tmp / "run/manifest.json"));
  ASSERT_EQ(m["files"].size(), 3u);
  EXPECT_EQ(m["files"][0]["path"], "another.html");  // added in path order
  EXPECT_EQ(m["files"][0]["sha256"], cs::sha256_hex("added"));
  EXPECT_EQ(m["files"][1]["path"], "report.html");
  EXPECT_EQ(m["files"][1]["size"], 10);
  EXPECT_EQ(m["files"][1]["sha256"], cs::sha256_hex("new report"));
  EXPECT_EQ(m["files"][2]["path"], "results.json");
  EXPECT_FALSE(any_hidden(tmp / "run"));
  // A folder that is not a countyscope output gets no manifest.
  cs::write_file_atomic(tmp / "plain/x.html", "x");
  EXPECT_FALSE(fs::exists(tmp / "plain/manifest.json"));
}

TEST(OutputFolder, FailureBeforeCommitLeavesThePreviousFolderByteIdentical) {
  cs::test::TempDir tmp;
  {
    cs::OutputDir out(tmp / "run");
    cs::write_file(out.path("a.txt"), "first");
    out.commit();
  }
  const std::string before = tree(tmp / "run");
  try {
    cs::OutputDir out(tmp / "run");
    cs::write_file(out.path("a.txt"), "second");
    FileSizeLimit limit(1024);
    cs::write_file(out.path("b.txt"), std::string(100000, 'b'));
    out.commit();
    ADD_FAILURE() << "no error";
  } catch (const cs::IoError& e) {
    // The message names the file where the user will look for it, not the hidden staging folder.
    const std::string m = cs::user_paths(e.what());
    EXPECT_NE(m.find((tmp / "run" / "b.txt").string()), std::string::npos) << m;
    EXPECT_EQ(m.find(".staging-"), std::string::npos) << m;
  }
  EXPECT_EQ(tree(tmp / "run"), before);
  EXPECT_FALSE(any_hidden(tmp.path()));
}

TEST(OutputFolder, RefusesAForeignFolderUnlessForced) {
  cs::test::TempDir tmp;
  fs::create_directory(tmp / "mine");
  cs::write_file(tmp / "mine/thesis.tex", "years of work");
  EXPECT_THROW(cs::OutputDir(tmp / "mine"), cs::IoError);
  EXPECT_THROW(cs::OutputDir::check_target(tmp / "mine", false), cs::IoError);
  EXPECT_EQ(cs::read_file(tmp / "mine/thesis.tex"), "years of work");
  cs::write_file(tmp / "file", "x");
  EXPECT_THROW(cs::OutputDir::check_target(tmp / "file", false), cs::IoError);
  fs::create_directory(tmp / "empty");
  EXPECT_NO_THROW(cs::OutputDir::check_target(tmp / "empty", false));
  cs::Context ctx;
  ctx.run.force = true;
  {
    cs::OutputDir out(tmp / "mine", ctx);
    cs::write_file(out.path("a.txt"), "a");
    out.commit();
  }
  EXPECT_FALSE(fs::exists(tmp / "mine/thesis.tex"));
  EXPECT_NO_THROW(cs::OutputDir::check_target(tmp / "mine", false));  // now a countyscope output
}

TEST(OutputFolder, LinkToAFolderIsWrittenThrough) {
  cs::test::TempDir tmp;
  fs::create_directory(tmp / "real");
  fs::create_directory_symlink(tmp / "real", tmp / "link");
  {
    cs::OutputDir out(tmp / "link");
    cs::write_file(out.path("a.txt"), "a");
    out.commit();
  }
  EXPECT_TRUE(fs::is_symlink(tmp / "link"));
  EXPECT_EQ(cs::read_file(tmp / "real/a.txt"), "a");
}

TEST(OutputFolder, StaleStagingOfADeadProcessIsRemovedAndABackupRestored) {
  cs::test::TempDir tmp;
  // 99999999 is above Linux's largest pid (2^22): never alive.
  fs::create_directories(tmp / ".run.staging-99999999/deep");
  cs::write_file(tmp / ".run.staging-99999999/deep/x", "12 MB of yesterday");
  fs::create_directories(tmp / ".run.backup-99999999");
  cs::write_file(tmp / ".run.backup-99999999/a.txt", "previous");
  cs::write_file(tmp / ".run.backup-99999999/manifest.json", "{\"countyscope_manifest\": 1}");
  fs::create_directories(tmp / ".other.staging-99999999");  // another folder's: not ours to touch
  {
    cs::OutputDir out(tmp / "run");
    EXPECT_FALSE(fs::exists(tmp / ".run.staging-99999999"));
    // The process died between the two renames of its commit: the previous folder comes back first.
    EXPECT_EQ(cs::read_file(tmp / "run/a.txt"), "previous");
  }
  EXPECT_TRUE(fs::exists(tmp / ".other.staging-99999999"));
  EXPECT_EQ(cs::read_file(tmp / "run/a.txt"), "previous");
}
