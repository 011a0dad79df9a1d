#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <signal.h>
#include <sstream>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/sha256.hpp>
#include <countyscope/io/output.hpp>

#ifndef CS_VERSION
#define CS_VERSION "unknown"
#endif

namespace cs {
namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kManifestMarker = "countyscope_manifest";

// Paths this process is writing that a signal must remove (staging folders, temporary files, a previous
// folder moved aside), and the user-facing name of every hidden path ever used (for error messages). Never
// destroyed: the signal thread may use it while the process exits.
struct Registry {
  std::mutex mu;
  std::map<std::string, std::string> live;     // hidden path -> user path
  std::map<std::string, std::string> aliases;  // hidden path -> user path (kept after the path is gone)
};
Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}
// Set by remove_staging_now: from then on no folder is created under a path of ours, so a thread still
// writing cannot bring back a staging folder the signal thread has just removed.
std::atomic<bool> g_exiting{false};
void refuse_if_exiting() {
  if (g_exiting.load(std::memory_order_acquire)) throw Cancelled();
}
void add_live(const fs::path& hidden, const fs::path& user) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  r.live[hidden.string()] = user.string();
  r.aliases[hidden.string()] = user.string();
}
void drop_live(const fs::path& hidden) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  r.live.erase(hidden.string());
}

std::string errno_text(int err) { return std::strerror(err); }

[[noreturn]] void throw_io(const fs::path& path, std::string_view what, int err) {
  throw IoError(user_paths(path.string()) + ": " + std::string(what) + ": " + errno_text(err));
}

void make_parents(const fs::path& path) {
  refuse_if_exiting();
  if (!path.has_parent_path()) return;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw IoError(user_paths(path.parent_path().string()) + ": cannot create folder: " + ec.message());
}

// fsync a file or folder by name (after a library such as GDAL wrote it). Folders on file systems that cannot
// sync them (EINVAL) are accepted.
void fsync_path(const fs::path& path, bool dir) {
  const int fd = ::open(path.c_str(), (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw_io(path, "cannot open to sync", errno);
  if (::fsync(fd) != 0 && !(dir && (errno == EINVAL || errno == EROFS))) {
    const int err = errno;
    ::close(fd);
    throw_io(path, "cannot write (fsync)", err);
  }
  if (::close(fd) != 0) throw_io(path, "cannot write (close)", errno);
}

bool pid_alive(long pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// What stands at a path, without following a symbolic link.
enum class Kind { kNone, kFile, kDir, kLink, kOther };
Kind kind_of(const fs::path& p, std::string* what = nullptr) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return Kind::kNone;
  if (S_ISREG(st.st_mode)) return Kind::kFile;
  if (S_ISDIR(st.st_mode)) return Kind::kDir;
  if (S_ISLNK(st.st_mode)) {
    if (what) *what = "a symbolic link";
    return Kind::kLink;
  }
  if (what)
    *what = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
            : S_ISFIFO(st.st_mode)                     ? "a FIFO"
            : S_ISSOCK(st.st_mode)                     ? "a socket"
                                                       : "not a regular file";
  return Kind::kOther;
}

bool is_countyscope_output(const fs::path& dir) {
  const fs::path m = dir / kManifest;
  if (kind_of(m) != Kind::kFile) return false;
  std::error_code ec;
  if (fs::file_size(m, ec) > (1u << 26) || ec) return false;
  try {
    return read_file(m).find(kManifestMarker) != std::string::npos;
  } catch (const Error&) {
    return false;
  }
}

fs::path normalised(const fs::path& p) {
  fs::path a = fs::absolute(p).lexically_normal();
  if (a.filename().empty() && a.has_parent_path()) a = a.parent_path();
  return a;
}

// Removes what a dead process left for final_dir: its staging folders, and a previous folder it had moved
// aside (restored when the final folder is missing, i.e. the process died between the two renames of a
// commit).
void clean_stale(const fs::path& final_dir) {
  const fs::path parent = final_dir.parent_path();
  const std::string name = final_dir.filename().string();
  const std::string staging = "." + name + ".staging-", backup = "." + name + ".backup-";
  std::error_code ec;
  std::vector<std::pair<fs::path, bool>> found;  // path, is a backup
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string f = it->path().filename().string();
    const bool is_backup = f.rfind(backup, 0) == 0;
    if (!is_backup && f.rfind(staging, 0) != 0) continue;
    const std::string digits = f.substr(is_backup ? backup.size() : staging.size());
    if (digits.empty() ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    const long pid = std::strtol(digits.c_str(), nullptr, 10);
    if (pid != static_cast<long>(::getpid()) && pid_alive(pid)) continue;
    found.emplace_back(it->path(), is_backup);
  }
  std::sort(found.begin(), found.end());
  for (const auto& [p, is_backup] : found) {
    if (is_backup && kind_of(final_dir) == Kind::kNone && ::rename(p.c_str(), final_dir.c_str()) == 0)
      continue;
    fs::remove_all(p, ec);
  }
}

}  // namespace

std::string user_paths(std::string message) {
  Registry& r = registry();
  std::vector<std::pair<std::string, std::string>> a;
  {
    std::lock_guard lock(r.mu);
    a.assign(r.aliases.begin(), r.aliases.end());
  }
  // Longest first: a temporary file inside a staging folder is mapped before the folder.
  std::sort(a.begin(), a.end(), [](const auto& x, const auto& y) { return x.first.size() > y.first.size(); });
  for (const auto& [hidden, user] : a) {
    for (std::size_t pos = message.find(hidden); pos != std::string::npos;
         pos = message.find(hidden, pos + user.size()))
      message.replace(pos, hidden.size(), user);
  }
  return message;
}

void remove_staging_now() noexcept {
  Registry& r = registry();
  g_exiting.store(true, std::memory_order_release);
  r.mu.lock();  // never unlocked: no commit starts after this, the caller ends the process
  // Other threads go on until the process ends: one may have passed refuse_if_exiting() just before the flag
  // was set and create a folder again, or remove_all may race with a file being created. Remove until nothing
  // of ours has been seen for a few consecutive rounds.
  int clean_rounds = 0;
  for (int round = 0; round < 200 && clean_rounds < 3; ++round) {
    bool any = false;
    for (const auto& [hidden, user] : r.live) {
      std::error_code ec;
      if (fs::exists(fs::symlink_status(hidden, ec))) {
        any = true;
        fs::remove_all(hidden, ec);
      }
    }
    clean_rounds = any ? 0 : clean_rounds + 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void check_output_file(const fs::path& path) {
  std::string what;
  const Kind k = kind_of(path, &what);
  if (k == Kind::kDir) throw IoError(path.string() + ": is a folder; give the name of a file to write");
  if (k == Kind::kLink || k == Kind::kOther)
    throw IoError(path.string() + ": is " + what + ", not a regular file; refusing to replace it");
}

void write_file(const fs::path& path, std::string_view bytes) {
  make_parents(path);
  check_output_file(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) throw_io(path, "cannot open for writing", errno);
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      throw_io(path, "cannot write", err);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // Writeback starts now, while the caller goes on; the fsync (checked) is the caller's: OutputDir::commit
  // syncs every staged file and replace_file_atomic its temporary file before either is moved into place.
  // Syncing here as well made the writing thread wait for the disk once per file.
#if defined(SYNC_FILE_RANGE_WRITE)
  (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
  if (::close(fd) != 0) throw_io(path, "cannot write (close)", errno);
}

namespace {
// A single file written into a countyscope output folder (`report --html out/demo/report.html`): its entry in
// the folder's manifest.json (size, SHA-256) is updated, or added in path order, so the manifest keeps
// describing every file of the folder. The manifest itself is replaced atomically as any single file.
void update_manifest_entry(const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const std::string name = file.filename().string();
  if (name == kManifest || !is_countyscope_output(dir)) return;
  nlohmann::ordered_json m;
  try {
    m = nlohmann::ordered_json::parse(read_file(dir / kManifest));
  } catch (const nlohmann::json::exception&) {
    throw IoError((dir / kManifest).string() + ": not valid JSON; cannot record " + name + " in it");
  }
  if (!m.contains("files") || !m["files"].is_array())
    throw IoError((dir / kManifest).string() + ": no list of files; cannot record " + name + " in it");
  const FileDigest d = sha256_file(file);
  const nlohmann::ordered_json entry = {{"path", name}, {"size", d.size}, {"sha256", d.sha256}};
  auto& list = m["files"];
  auto it = list.begin();
  while (it != list.end() && it->is_object() && it->value("path", std::string()) < name) ++it;
  if (it != list.end() && it->is_object() && it->value("path", std::string()) == name)
    *it = entry;
  else
    list.insert(it, entry);
  write_file_atomic(dir / kManifest, m.dump(1) + "\n");
}
}  // namespace

void replace_file_atomic(const fs::path& path, std::string_view suffix,
                         const std::function<void(const fs::path& tmp)>& write) {
  check_output_file(path);
  make_parents(path);
  const fs::path tmp = path.parent_path() / (".tmp-" + std::to_string(::getpid()) + "-" +
                                             path.filename().string() + std::string(suffix));
  add_live(tmp, path);
  std::error_code ec;
  fs::remove(tmp, ec);
  try {
    write(tmp);
    fsync_path(tmp, false);
    check_output_file(path);  // still nothing but a regular file (or nothing) in the way
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw_io(path, "cannot replace", errno);
    fsync_path(path.has_parent_path() ? path.parent_path() : fs::path("."), true);
  } catch (...) {
    fs::remove(tmp, ec);
    drop_live(tmp);
    throw;
  }
  drop_live(tmp);
  update_manifest_entry(path);
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  replace_file_atomic(path, "", [&](const fs::path& tmp) { write_file(tmp, bytes); });
}

std::string read_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw IoError(path.string() + ": is a directory, expected a file");
  std::string s;
  read_file_chunks(
      path, [&](const unsigned char* p, std::size_t n) { s.append(reinterpret_cast<const char*>(p), n); });
  return s;
}

void OutputDir::check_target(const fs::path& final_dir, bool force) {
  if (final_dir.empty()) throw UsageError("output folder must not be empty");
  fs::path p = normalised(final_dir);
  std::string what;
  Kind k = kind_of(p, &what);
  if (k == Kind::kLink) {  // a link to a folder is written through (the link stays)
    std::error_code ec;
    const fs::path target = fs::canonical(p, ec);
    if (ec || kind_of(target) != Kind::kDir)
      throw IoError(final_dir.string() +
                    ": is a symbolic link that does not lead to a folder; refusing to replace it");
    p = target;
    k = Kind::kDir;
  }
  if (k == Kind::kNone) return;
  if (k == Kind::kOther)
    throw IoError(final_dir.string() + ": is " + what + "; an output folder cannot replace it");
  if (k == Kind::kFile) {
    if (force) return;
    throw IoError(final_dir.string() +
                  ": is a file, not a folder; choose another output folder (or --force to replace the file)");
  }
  std::error_code ec;
  if (fs::is_empty(p, ec) || is_countyscope_output(p) || force) return;
  throw IoError(
      final_dir.string() +
      ": folder is not empty and is not a countyscope output (no manifest.json); choose a new or empty "
      "folder, or --force to replace its contents");
}

void OutputDir::check_target(const fs::path& final_dir, const RunRecord& run) {
  check_target(final_dir, run.force);
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(normalised(final_dir), ec);
  if (ec || kind_of(target) == Kind::kNone) return;
  for (const std::string& input : run.inputs) {
    const fs::path in = fs::weakly_canonical(input, ec);
    if (ec) continue;
    if (in == target)
      throw IoError(final_dir.string() + ": is an input file of this run (" + input +
                    "); choose another output");
    const auto [t, i] = std::mismatch(target.begin(), target.end(), in.begin(), in.end());
    if (t == target.end())
      throw IoError(final_dir.string() + ": holds the input file " + input +
                    ", which replacing the folder would delete; choose another output folder");
  }
}

OutputDir::OutputDir(fs::path final_dir) : OutputDir(std::move(final_dir), Context{}) {}

OutputDir::OutputDir(fs::path final_dir, const Context& ctx) : user_(std::move(final_dir)), run_(ctx.run) {
  seed_ = ctx.seed;
  check_target(user_, run_);
  final_ = normalised(user_);
  if (kind_of(final_) == Kind::kLink) final_ = fs::canonical(final_);
  const fs::path parent = final_.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw IoError(parent.string() + ": cannot create folder: " + ec.message());
  clean_stale(final_);
  staging_ = parent / ("." + final_.filename().string() + ".staging-" + std::to_string(::getpid()));
  add_live(staging_, user_);
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec) {
    drop_live(staging_);
    throw IoError(parent.string() + ": cannot create a staging folder: " + ec.message());
  }
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  drop_live(staging_);
}

fs::path OutputDir::path(std::string_view name) const {
  refuse_if_exiting();
  fs::path p = staging_ / name;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  return p;
}

void OutputDir::commit() {
  if (committed_) throw Error(ErrorKind::kInternal, "OutputDir::commit called twice");
  // The manifest: every staged file with size and SHA-256 (each fsync'ed on the way), the run's inputs and
  // options. No time stamps and no thread counts: equal inputs give a byte-identical manifest.
  nlohmann::ordered_json m;
  m[kManifestMarker] = 1;
  m["tool"] = "countyscope";
  m["version"] = CS_VERSION;
  if (!run_.command.empty()) m["command"] = run_.command;
  nlohmann::json opts = nlohmann::json::object();
  for (const auto& [k, v] : run_.options) opts[k] = v;
  m["options"] = opts;
  m["seed"] = seed_;
  std::vector<std::string> inputs = run_.inputs;
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  nlohmann::ordered_json in = nlohmann::ordered_json::array();
  for (const auto& f : inputs) {
    const FileDigest d = sha256_file(f);
    in.push_back({{"path", f}, {"size", d.size}, {"sha256", d.sha256}});
  }
  m["inputs"] = in;
  std::vector<fs::path> files, dirs{staging_};
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(staging_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory())
      dirs.push_back(it->path());
    else if (it->path().filename() != kManifest || it->path().parent_path() != staging_)
      files.push_back(it->path());
  }
  if (ec) throw IoError(user_paths(staging_.string()) + ": cannot list the staged files: " + ec.message());
  std::vector<std::pair<std::string, fs::path>> rel;
  for (const auto& f : files) rel.emplace_back(fs::relative(f, staging_).generic_string(), f);
  std::sort(rel.begin(), rel.end());
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [r, f] : rel) {
    const FileDigest d = sha256_file(f);
    fsync_path(f, false);
    list.push_back({{"path", r}, {"size", d.size}, {"sha256", d.sha256}});
  }
  m["files"] = list;
  write_file(staging_ / kManifest, m.dump(1) + "\n");
  for (const auto& d : dirs) fsync_path(d, true);

  // The swap: previous folder aside, staging in, previous folder removed; restored on failure. A signal that
  // arrives meanwhile waits for the lock, so the folder is old or new, never a mix.
  const fs::path parent = final_.parent_path();
  const fs::path backup =
      parent / ("." + final_.filename().string() + ".backup-" + std::to_string(::getpid()));
  Registry& r = registry();
  bool had_previous = false;
  {
    std::lock_guard lock(r.mu);
    fs::remove_all(backup, ec);
    if (kind_of(final_) != Kind::kNone) {
      if (::rename(final_.c_str(), backup.c_str()) != 0)
        throw IoError(user_.string() + ": cannot move the previous output aside: " + errno_text(errno));
      had_previous = true;
    }
    if (::rename(staging_.c_str(), final_.c_str()) != 0) {
      const int err = errno;
      if (had_previous) (void)::rename(backup.c_str(), final_.c_str());
      throw IoError(user_.string() + ": cannot move the new output into place: " + errno_text(err));
    }
    committed_ = true;
    r.live.erase(staging_.string());
    if (had_previous) {
      r.live[backup.string()] = user_.string();
      r.aliases[backup.string()] = user_.string();
    }
  }
  fsync_path(parent, true);
  if (had_previous) {
    fs::remove_all(backup, ec);
    drop_live(backup);
  }
}

}  // namespace cs
