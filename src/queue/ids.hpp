#pragma once
// Unguessable ids and secrets from the OS CSPRNG (getrandom), never from a seeded PRNG:
// an event id is the only thing that lets a client read or cancel its /call result.

#include <cstddef>
#include <string>

namespace gradio::detail {

// `bytes` random bytes from getrandom(2), as lower-case hex (2 * bytes characters).
// Throws std::system_error if the kernel cannot supply them.
[[nodiscard]] std::string random_hex(std::size_t bytes);

// A new event id: 128 random bits as 32 hex digits (Gradio: uuid4().hex, 122 random bits).
[[nodiscard]] inline std::string new_event_id() { return random_hex(16); }

}  // namespace gradio::detail
