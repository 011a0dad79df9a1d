// Shared by the binding files of countyscope._core (one file per capability: network.cpp, access.cpp,
// locate.cpp, flows.cpp, options.cpp; module.cpp only calls their bind_* functions). Here: NumPy in and out
// without copies where possible, the argument checks of docs/reliability.md ("Input contract"), and Python
// values read through a stage's option table (core/options.hpp), so a keyword's default, type and range are
// the CLI's.
//
// Example (a binding):
//   const auto t = array_arg<float>(obj, "sfca2", "times", 2, "demand x facilities");   // checked view
//   set_option(cs::access_options(), o, "sfca2", "cutoff_min", cutoff_min);               // registry-checked
//   m.def("f", ..., "cutoff_min"_a = registry_default(cs::access_options(), "cutoff_min"));
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <countyscope/core/arguments.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/core/types.hpp>

namespace cs::python {

namespace py = pybind11;
namespace args = cs::args;

// One function per capability, called by PYBIND11_MODULE (module.cpp).
void bind_errors(py::module_& m);   // module.cpp: Error, IoError, InputError, UsageError
void bind_network(py::module_& m);  // network.cpp: Network, Snaps (build, load, snap, matrices)
void bind_access(py::module_& m);   // access.cpp: accessibility, sfca2, equity
void bind_locate(py::module_& m);   // locate.cpp: locate
void bind_flows(py::module_& m);    // flows.cpp: gravity_flows, radiation_flows, calibrate_gravity
void bind_options(py::module_& m);  // options.cpp: options(stage)
void bind_county(py::module_& m);   // county.cpp: County (load, its layers as columns), plan
void bind_stats(py::module_& m);    // stats.cpp: stats_autocorrelation, _mcdm, _equity, _markov, _geodetector
std::vector<const cs::opt::TableBase*> option_tables();  // options.cpp: every stage's table, docs order

// ---- NumPy out: a vector moved into an array of the given shape; a capsule owns the buffer (no copy).
template <class T>
py::array to_numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
  auto* owner = new std::vector<T>(std::move(v));
  py::capsule cap(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owner->data(), cap);
}
template <class T>
py::array to_numpy(std::vector<T>&& v) {
  const auto n = static_cast<py::ssize_t>(v.size());
  return to_numpy(std::move(v), {n});
}
template <class T>
py::array matrix_to_numpy(cs::Matrix<T>&& m) {
  const auto r = static_cast<py::ssize_t>(m.rows()), c = static_cast<py::ssize_t>(m.cols());
  return to_numpy(std::move(m.storage()), {r, c});
}

// ---- Travel times: minutes for Python users, seconds inside the engine (+inf = no path stays +inf).
inline void minutes_in_place(float* v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) v[i] /= 60.0F;
}
inline void seconds_in_place(float* v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) v[i] *= 60.0F;
}

// ---- NumPy in. Every array argument of every function is checked for element kind, number of dimensions,
// length against the others, and finite in-range values before any work. Messages: "FUNC(): argument
// 'NAME'[, index I]: expected ..., got ..." (cs::args).
template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
cs::Matrix<T> numpy_to_matrix(const carray<T>& a, const char* name) {
  if (a.ndim() != 2) throw cs::UsageError(std::string(name) + ": expected a 2-D array");
  cs::Matrix<T> m(static_cast<std::size_t>(a.shape(0)), static_cast<std::size_t>(a.shape(1)));
  std::copy(a.data(), a.data() + a.size(), m.data());
  return m;
}

// A NumPy view of obj (numpy array, list, ...) after checking its element kind and dimensions.
py::array checked_array(const py::object& obj, const char* func, const char* name, std::size_t ndim,
                        const char* what, bool integral);
// Integer targets are range-checked before the cast, so -1 never wraps to 4294967295.
void check_integer_range(const py::array& a, const char* func, const char* name, std::int64_t lo,
                         std::int64_t hi);

// Converts an array-like argument after checking its element kind, dimensions (and integer range).
template <class T>
carray<T> array_arg(const py::object& obj, const char* func, const char* name, std::size_t ndim,
                    const char* what = "") {
  py::array a = checked_array(obj, func, name, ndim, what, std::is_integral_v<T>);
  if constexpr (std::is_integral_v<T>)
    check_integer_range(
        a, func, name, static_cast<std::int64_t>(std::numeric_limits<T>::min()),
        static_cast<std::int64_t>(std::min<std::uint64_t>(std::numeric_limits<T>::max(), 1u << 30)));
  return carray<T>::ensure(a);
}

template <class T>
std::span<const T> span_of(const carray<T>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

inline std::size_t dim(const py::array& a, int k) { return static_cast<std::size_t>(a.shape(k)); }

// An (n, 2) array of lon, lat in range.
std::vector<cs::LonLat> as_lonlat(const py::object& obj, const char* func, const char* name);

// A run context with `threads` workers (0 = all cores; UsageError outside the documented range).
cs::Context make_context(int threads);

// ---- keyword arguments through the option registry (core/options.hpp).
// A Python value as a registry value (the registry checks type and range, as for the CLI and the plan file).
cs::opt::Value registry_value(const py::object& o, const std::string& where);

// The registry's default of an option as a Python value (None when unset): a keyword's default.
py::object registry_default(const cs::opt::TableBase& table, const char* name);

// Sets option NAME of FUNC from a Python value (None: keep the default).
template <class C>
void set_option(const cs::opt::Table<C>& table, C& cfg, const char* func, const std::string& name,
                const py::object& o) {
  if (o.is_none()) return;
  const std::string where = std::string(func) + "(): argument '" + name + "': ";
  table.set(cfg, name, registry_value(o, where), where);
}

// Refuses a keyword outside `allowed` (an old name names the new one: "renamed to ...").
void check_keyword(const cs::opt::TableBase& table, const char* func, const std::string& key,
                   const std::vector<std::string>& allowed);

// Extra keyword arguments: options of the table among `allowed`; an old name is refused naming the new one.
template <class C>
void set_extra(const cs::opt::Table<C>& table, C& cfg, const char* func, const py::kwargs& extra,
               const std::vector<std::string>& allowed) {
  for (const auto& [k, v] : extra) {
    const std::string key = py::str(k);
    check_keyword(table, func, key, allowed);
    set_option(table, cfg, func, key, py::reinterpret_borrow<py::object>(v));
  }
}

}  // namespace cs::python
