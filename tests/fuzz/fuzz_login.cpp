// libFuzzer target for the login's parsers (auth/login_gate.hpp), linked directly: a form body
// (urlencoded or multipart, picked by the first byte), the Cookie and Authorization headers.
// A login may succeed only when the parsed form really holds the right user and password; a
// cookie value is always a piece of its header; nothing crashes or trips a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/login_gate.hpp"

using namespace gradio::detail;

namespace {

auth::LoginGate& gate() {
    // A high failure limit: the fuzzer's many wrong guesses must not turn every answer into 429.
    static auth::LoginGate g({.users = {{"admin", "s3cret"}}, .max_logins = 64, .max_failures = 1 << 30});
    return g;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string type = data[0] % 2 == 0 ? "application/x-www-form-urlencoded" : "multipart/form-data; boundary=b";

    http::Request request;
    request.method = "POST";
    request.path = "/login";
    request.headers.emplace_back("content-type", type);
    request.headers.emplace_back("cookie", std::string(input.substr(0, 200)));
    request.headers.emplace_back("authorization", "Bearer " + std::string(input.substr(0, 100)));
    request.body = std::string(input);

    const http::Response answer = gate().login(request, "fuzzer");
    if (answer.status == 200) {
        // The first username and password fields are the ones that count; both must be right.
        const auto fields = auth::form_fields(type, input);
        const std::string* user = nullptr;
        const std::string* password = nullptr;
        if (fields)
            for (const auto& [name, value] : *fields) {
                if (name == "username" && !user) user = &value;
                if (name == "password" && !password) password = &value;
            }
        if (!user || !password || *user != "admin" || *password != "s3cret") __builtin_trap();
    }
    (void)gate().user_of(request, "fuzzer");

    const std::string_view header = request.headers[1].second;
    const std::string_view value = auth::cookie_value(header, input.substr(0, 8));
    if (!value.empty() && (value.data() < header.data() || value.data() + value.size() > header.data() + header.size())) __builtin_trap();
    return 0;
}
