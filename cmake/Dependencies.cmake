# Third-party dependencies, all from Debian 12 packages (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(GDAL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(BZip2 REQUIRED)
find_package(EXPAT REQUIRED)
find_package(PkgConfig REQUIRED)

# libosmium + protozero: header-only.
find_path(OSMIUM_INCLUDE_DIR osmium/osm.hpp REQUIRED)
find_path(PROTOZERO_INCLUDE_DIR protozero/pbf_reader.hpp REQUIRED)
add_library(cs_osmium INTERFACE)
target_include_directories(cs_osmium SYSTEM INTERFACE ${OSMIUM_INCLUDE_DIR} ${PROTOZERO_INCLUDE_DIR})
target_link_libraries(cs_osmium INTERFACE ZLIB::ZLIB BZip2::BZip2 EXPAT::EXPAT Threads::Threads)

# toml++ (header-only).
find_path(TOMLPP_INCLUDE_DIR toml++/toml.h REQUIRED)
add_library(cs_tomlpp INTERFACE)
target_include_directories(cs_tomlpp SYSTEM INTERFACE ${TOMLPP_INCLUDE_DIR})

# COIN-OR CBC through its C++ API (CbcModel); pkg-config file from coinor-libcbc-dev.
pkg_check_modules(CBC REQUIRED IMPORTED_TARGET cbc)

# METIS (libmetis-dev): nested-dissection orders for the customizable contraction hierarchy (network/).
find_path(METIS_INCLUDE_DIR metis.h PATH_SUFFIXES metis REQUIRED)
find_library(METIS_LIBRARY NAMES metis REQUIRED)
add_library(cs_metis INTERFACE)
target_include_directories(cs_metis SYSTEM INTERFACE ${METIS_INCLUDE_DIR})
target_link_libraries(cs_metis INTERFACE ${METIS_LIBRARY})

# GTest for unit tests.
if(CS_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
