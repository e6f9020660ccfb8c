# Installs what a program needs to build against gradio.cpp:
#   <prefix>/include/gradio/...            the public headers
#   <prefix>/lib/libgradio.a               the library (the UI is inside it)
#   <prefix>/lib/cmake/gradio/             find_package(gradio CONFIG) -> gradio::gradio
#   <prefix>/lib/pkgconfig/gradio.pc       pkg-config --cflags --libs gradio
# and lets `cpack -G DEB` make a Debian package of the same files.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS gradio EXPORT gradioTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT gradioTargets NAMESPACE gradio:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gradio)

configure_package_config_file(cmake/gradioConfig.cmake.in ${PROJECT_BINARY_DIR}/gradioConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gradio)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gradioConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gradioConfig.cmake ${PROJECT_BINARY_DIR}/gradioConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gradio)

# A static library: its own dependencies are linked by whoever links it.
file(RELATIVE_PATH GR_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(cmake/gradio.pc.in ${PROJECT_BINARY_DIR}/gradio.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gradio.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(CPACK_PACKAGE_NAME "libgradio-cpp-dev")
set(CPACK_PACKAGE_VENDOR "gradio.cpp")
set(CPACK_PACKAGE_CONTACT "gradio.cpp maintainers <maintainers@gradio-cpp.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}: headers, static library, CMake package")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, zlib1g-dev, libssl-dev")
set(CPACK_GENERATOR DEB)
include(CPack)
