#pragma once
/// \file version.hpp
/// The library version and the Gradio version whose wire protocol it speaks.

/// Major version of gradio.cpp, for the preprocessor (see `gradio::version`).
#define GR_VERSION_MAJOR 0
/// Minor version of gradio.cpp.
#define GR_VERSION_MINOR 1
/// Patch version of gradio.cpp.
#define GR_VERSION_PATCH 0

namespace gradio {
/// Version of gradio.cpp itself.
inline constexpr const char* version = "0.1.0";
/// Gradio release whose HTTP/SSE protocol the server reproduces (reported in `/config`).
inline constexpr const char* gradio_protocol_version = "6.25.0";
}  // namespace gradio
