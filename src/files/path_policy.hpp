#pragma once
// Which local file GET /gradio_api/file=<path> may send, by Gradio's rules: files in the app's
// own folders (cache, uploads, static dirs), in the developer's allowed_paths, or named by the app
// (avatars, example icons); never anything in blocked_paths, never through a symbolic link that
// leads elsewhere, and only regular files. The path is judged twice: as written (made absolute,
// ".." and "." removed without touching the disk) and as the file system resolves it
// (std::filesystem::canonical); both must be inside, and the resolved path is what to open.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace gradio::detail::files {

struct FilePolicy {
    std::vector<std::filesystem::path> roots;          // the app's cache/upload dirs and static dirs: anything inside may be served
    std::vector<std::filesystem::path> allowed_paths;  // the user's allowed_paths (files or dirs)
    std::vector<std::filesystem::path> blocked_paths;  // files or dirs; win over everything; compared case-insensitively (ASCII)
    std::vector<std::filesystem::path> files;          // single files the app named (avatars, example icons)
    // Relative entries are taken from the current directory; empty ones are ignored. Entries need
    // not be canonical or exist.
};

struct PathDecision {
    bool allowed = false;
    std::filesystem::path file;        // when allowed: the canonical path (symlinks resolved) to open
    std::string reason;                // when refused: why, for the log (the client just gets 403 "File not allowed: <path>.")
    bool under_allowed_paths = false;  // served inline whatever its type (Gradio's rule for allowed_paths)
};

// Decides on the raw (already percent-decoded, once) path from the URL; a relative path is taken
// from the current directory. Never touches the network and never throws (but std::bad_alloc).
// Refused: empty paths, control characters, backslashes, a leading "//", anything starting like a
// URL scheme or drive letter ("x:"), paths outside every root, allowed path and named file,
// paths whose resolved file is outside them too, paths inside a blocked path (as written or
// resolved), and anything that is not an existing regular file.
// The decision is made on the current state of the file system: opening `file` later should
// not follow symbolic links (O_NOFOLLOW on the last component) to narrow the window for a swap.
PathDecision check_served_path(std::string_view requested, const FilePolicy& policy);

}  // namespace gradio::detail::files
