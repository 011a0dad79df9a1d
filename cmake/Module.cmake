# cs_add_module(NAME SOURCES ... DEPENDS ...): one engine layer as a static library countyscope_NAME.
function(cs_add_module name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(countyscope_${name} STATIC ${A_SOURCES})
  add_library(countyscope::${name} ALIAS countyscope_${name})
  target_include_directories(countyscope_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                                        $<INSTALL_INTERFACE:include>
                                                 PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_features(countyscope_${name} PUBLIC cxx_std_20)
  target_link_libraries(countyscope_${name} PUBLIC ${A_DEPENDS} PRIVATE countyscope_flags ${A_PRIVATE_DEPENDS})
endfunction()

# cs_add_test(NAME SOURCES ... DEPENDS ... [LABELS ...]): a GoogleTest executable registered with CTest.
function(cs_add_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;DEPENDS;LABELS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPENDS} cs_test_support GTest::gtest GTest::gtest_main countyscope_flags)
  include(GoogleTest)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       PROPERTIES ENVIRONMENT "COUNTYSCOPE_HOME=${PROJECT_SOURCE_DIR}"
                       DISCOVERY_TIMEOUT 600)
  # Labels go on after discovery: gtest_discover_tests (CMake 3.25) flattens a list-valued property, so a second
  # ctest include file labels every discovered test of this executable (${name}_TESTS) with all its labels.
  if(A_LABELS)
    set(label_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
    file(WRITE ${label_file} "if(DEFINED ${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${A_LABELS}\")\nendif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${label_file})
  endif()
endfunction()
