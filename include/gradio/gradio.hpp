#pragma once
/// \file gradio.hpp
/// The umbrella header: everything an app needs, and the short alias `gr`.

#include <gradio/blocks.hpp>
#include <gradio/chat_interface.hpp>
#include <gradio/components.hpp>
#include <gradio/error.hpp>
#include <gradio/events.hpp>
#include <gradio/launch.hpp>
#include <gradio/message.hpp>
#include <gradio/stream.hpp>
#include <gradio/version.hpp>

/// \namespace gradio
/// The whole API of gradio.cpp; `<gradio/gradio.hpp>` adds the short alias `gr`.

namespace gr = gradio;
