#include "refuse.h"

#include <cstdio>
#include <sstream>

namespace cnn {

std::string format_number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", v);
    return text;
}

std::string with_commas(int64_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > (n < 0 ? 1 : 0); i -= 3) s.insert(i, ",");
    return s;
}

std::string format_bytes(double bytes) {
    std::ostringstream os;
    os.precision(3);
    if (bytes >= double(1 << 30)) os << bytes / double(1 << 30) << " GiB";
    else os << bytes / double(1 << 20) << " MiB";
    return os.str();
}

}  // namespace cnn
