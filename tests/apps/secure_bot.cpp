// A streaming echo behind a login and, when asked, TLS, for the client tests over https
// (tests/js/compat/secure.test.mjs). Settings from the environment:
//   SECURE_BOT_AUTH="user:password"  SECURE_BOT_AUTH_MESSAGE="..."
//   SECURE_BOT_CERT=cert.pem SECURE_BOT_KEY=key.pem [SECURE_BOT_KEY_PASSWORD=...]
#include <cstdlib>
#include <string>

#include <gradio/gradio.hpp>

gr::Stream echo(const gr::Message& message, const gr::History&) {
    std::string reply;
    for (char c : "You said: " + message.text) {
        reply += c;
        co_yield reply;
    }
}

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

int main() {
    gr::ChatInterface demo(echo, {.title = "Secure bot", .api_name = "chat"});
    gr::LaunchOptions options{.openai_api = true};
    if (const std::string auth = env("SECURE_BOT_AUTH"); !auth.empty()) {
        const auto colon = auth.find(':');
        options.auth = gr::Auth(auth.substr(0, colon), auth.substr(colon + 1));
    }
    if (const std::string message = env("SECURE_BOT_AUTH_MESSAGE"); !message.empty()) options.auth_message = message;
    options.ssl_certfile = env("SECURE_BOT_CERT");
    options.ssl_keyfile = env("SECURE_BOT_KEY");
    options.ssl_keyfile_password = env("SECURE_BOT_KEY_PASSWORD");
    return demo.launch(options);
}
