// libFuzzer target: JSON bodies POSTed, as well-formed HTTP, to the JSON routes of a real
// in-process server. The first input byte picks the route, the rest is the body.
// Property: every answer is an HTTP/1.1 response whose status is not 5xx, except 503 (queue
// full or stopped): a bad body is the client's fault (4xx), never the server's.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz_server.hpp"

namespace {

constexpr std::string_view routes[] = {
    "/gradio_api/queue/join",
    "/gradio_api/call/chat",
    "/gradio_api/call/v2/chat",
    "/gradio_api/run/predict",
    "/gradio_api/cancel",
};

[[noreturn]] void fail(const char* why, std::string_view route, std::string_view response) {
    std::fprintf(stderr, "fuzz_json_routes: %s (POST %.*s)\n--- response ---\n%.*s\n---\n", why,
                 static_cast<int>(route.size()), route.data(), static_cast<int>(std::min<std::size_t>(response.size(), 2000)),
                 response.data());
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    gr_fuzz::start_server();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return -1;  // not worth keeping in the corpus
    const std::string_view route = routes[data[0] % std::size(routes)];
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::string request;
    request.reserve(body.size() + 200);
    request += "POST ";
    request += route;
    request += " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-gradio-user: api\r\n"
               "Connection: close\r\nContent-Length: ";
    request += std::to_string(body.size());
    request += "\r\n\r\n";
    request += body;

    const std::string response = gr_fuzz::exchange(request, 5);
    // "HTTP/1.1 NNN "
    if (response.size() < 13 || response.compare(0, 9, "HTTP/1.1 ") != 0) fail("no HTTP/1.1 status line", route, response);
    const char d0 = response[9], d1 = response[10], d2 = response[11];
    if (d0 < '1' || d0 > '5' || d1 < '0' || d1 > '9' || d2 < '0' || d2 > '9' || response[12] != ' ')
        fail("malformed status line", route, response);
    const int status = (d0 - '0') * 100 + (d1 - '0') * 10 + (d2 - '0');
    if (status >= 500 && status != 503) fail("5xx answer to a client's body", route, response);
    return 0;
}
