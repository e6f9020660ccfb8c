#pragma once
// GET /config and GET /gradio_api/info (protocol.md §3, §4), generated from the App.

#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "protocol/app.hpp"

namespace gradio::detail {

class ConfigDocument {
public:
    explicit ConfigDocument(const App& app);
    // The /config body for a client that reached us at `root` (no trailing slash).
    [[nodiscard]] std::string config_json(std::string_view root) const;
    // The /gradio_api/info body; `all_endpoints` adds undocumented endpoints, without snippets.
    [[nodiscard]] std::string info_json(std::string_view root, bool all_endpoints) const;
    [[nodiscard]] std::uint64_t app_id() const noexcept { return app_id_; }

private:
    const App& app_;
    std::uint64_t app_id_;
    std::string config_prefix_;  // the config object without its closing brace
};

}  // namespace gradio::detail
