#!/usr/bin/env bash
# Builds and runs tests/consumer/main.cpp against gradio.cpp each way a user takes it:
#   1. cmake --install into a fresh prefix, then find_package(gradio CONFIG)
#   2. the same prefix through pkg-config
#   3. FetchContent from this source tree (MODES="... fetchcontent", builds the library again)
#   4. add_subdirectory of this source tree (MODES="... subdirectory", builds the library again)
# and `cpack -G DEB` (the .deb must hold the headers, the library and the CMake package).
# Usage: tests/consumer/run.sh <gradio build dir> [work dir]; env MODES picks the ways.
set -euo pipefail
build=$(realpath "$1")
source=$(realpath "$(dirname "$0")/../..")
work=$(realpath -m "${2:-$build/consumer}")
modes=${MODES:-"package pkgconfig fetchcontent subdirectory"}
jobs=${JOBS:-$(nproc)}
rm -rf "$work" && mkdir -p "$work"
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >/dev/null
for mode in $modes; do
  echo "== consumer: $mode"
  case $mode in
    package)
      cmake -S "$source/tests/consumer" -B "$work/package" -DGR_CONSUMER_MODE=package -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
      cmake --build "$work/package" -j "$jobs" >/dev/null
      "$work/package/consumer" ;;
    pkgconfig)
      flags=$(PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name gradio.pc)") pkg-config --cflags --libs gradio)
      # shellcheck disable=SC2086
      g++ -std=c++20 -o "$work/pkgconfig_consumer" "$source/tests/consumer/main.cpp" $flags
      "$work/pkgconfig_consumer" ;;
    fetchcontent|subdirectory)
      cmake -S "$source/tests/consumer" -B "$work/$mode" -DGR_CONSUMER_MODE=$mode -DGR_SOURCE_DIR="$source" \
            -DCMAKE_BUILD_TYPE= >/dev/null  # no -O, no -g: the quickest build of the library
      cmake --build "$work/$mode" -j "$jobs" --target consumer >/dev/null
      "$work/$mode/consumer" ;;
    *) echo "unknown mode $mode"; exit 2 ;;
  esac
done

echo "== cpack -G DEB"
(cd "$build" && cpack -G DEB -B "$work/deb" >/dev/null)
deb=$(ls "$work"/deb/*.deb)
listing=$(dpkg-deb --contents "$deb")
for wanted in include/gradio/gradio.hpp include/gradio/detail/chat_function.hpp /libgradio.a cmake/gradio/gradioConfig.cmake \
              cmake/gradio/gradioTargets.cmake pkgconfig/gradio.pc; do
  grep -q "$wanted" <<<"$listing" || { echo "$deb lacks $wanted"; exit 1; }
done
dpkg-deb --field "$deb" Package Version Depends
echo "consumer: all ways built and ran"
