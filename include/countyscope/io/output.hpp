// Output contract: nothing partial, nothing clobbered, nothing stale.
//
// Single files are written to a temporary sibling (every write, fsync and close checked) and renamed over the
// target; a target that exists and is not a regular file (a symbolic link, directory, device, FIFO) is
// refused. A command's output folder is staged whole in a hidden sibling (.NAME.staging-PID), gets a
// manifest.json (files, sizes, SHA-256, tool version, input checksums, options) and is swapped into place
// whole on commit(): the previous folder is renamed aside, the staging renamed to the final name, the
// previous folder removed; on any failure the previous folder is restored as it was. A non-empty folder
// without a countyscope manifest is never replaced unless the run says --force (Context::run.force). Stale
// staging of a dead process is removed by the next run into the same folder; the CLI removes the live staging
// on SIGINT/SIGTERM (remove_staging_now()).
//
// Example:
//   cs::OutputDir out("out/demo", ctx);            // stages in out/.demo.staging-<pid>
//   cs::write_file(out.path("results.json"), json_text);
//   out.commit();                                  // without commit (an exception), the staging is removed
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include <countyscope/core/context.hpp>

namespace cs {

// Throws IoError naming `path` when it exists and is not a regular file (symbolic link, directory, device,
// FIFO, socket): outputs never replace such a target.
void check_output_file(const std::filesystem::path& path);
// Writes bytes to path via a temporary sibling and rename(2) (parent folders are created). Throws IoError.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);
// The same for a writer that needs a file name (GDAL): `write(tmp)` creates the temporary file `tmp` (same
// folder, ending in `suffix`), which is then fsync'ed and renamed over `path`. Errors are reported with
// `path`.
void replace_file_atomic(const std::filesystem::path& path, std::string_view suffix,
                         const std::function<void(const std::filesystem::path& tmp)>& write);
// Plain write, creating or truncating path, for a file inside a staging folder or the temporary file of
// replace_file_atomic: every write and the close are checked and writeback is started; the fsync is done (and
// checked) by OutputDir::commit / replace_file_atomic before the file is moved into place. Throws IoError.
void write_file(const std::filesystem::path& path, std::string_view bytes);
// Reads a whole file. Throws IoError naming the file.
std::string read_file(const std::filesystem::path& path);

// Replaces the hidden staging and temporary paths of this process in a message by the user's paths
// (".../.acc.staging-42/.tmp-42-access.gpkg.gpkg" -> "out/acc/access.gpkg").
[[nodiscard]] std::string user_paths(std::string message);
// For a signal handler thread: removes every staging folder and temporary file of this process (waiting for a
// commit in progress to finish, so the final folder is old or new, never mixed) and blocks later commits. The
// caller then ends the process.
void remove_staging_now() noexcept;

class OutputDir {
 public:
  // Stages for final_dir; the manifest records ctx.run; ctx.run.force allows replacing a foreign folder.
  OutputDir(std::filesystem::path final_dir, const Context& ctx);
  explicit OutputDir(std::filesystem::path final_dir);
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  ~OutputDir();
  // Where to write NAME now (inside the staging directory); sub-folders are created.
  [[nodiscard]] std::filesystem::path path(std::string_view name) const;
  [[nodiscard]] const std::filesystem::path& staging() const noexcept { return staging_; }
  [[nodiscard]] const std::filesystem::path& final_dir() const noexcept { return final_; }
  // Writes manifest.json and swaps the staged folder into place whole (see above). Throws IoError.
  void commit();

  // Throws IoError when final_dir may not be replaced: it exists and is not a folder, or it is a non-empty
  // folder without a countyscope manifest.json and force is false. Commands call it before their work starts.
  static void check_target(const std::filesystem::path& final_dir, bool force);
  // The same, and also refuses (even with --force) a target that is one of run.inputs or a folder holding
  // one: replacing it would delete a file the run reads. The constructor runs this check.
  static void check_target(const std::filesystem::path& final_dir, const RunRecord& run);

 private:
  std::filesystem::path user_, final_, staging_;
  RunRecord run_;
  std::uint64_t seed_ = 0;
  bool committed_ = false;
};

}  // namespace cs
