// Bad input (a file, a model description, a setting) is refused with a std::invalid_argument
// whose message names the problem and the numbers involved; the page and the CLI show it as it is.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cnn {

// A refusal that can blame one field of a Keras layer config ("kernel_size"; "" for none).
struct Refusal : std::invalid_argument {
    Refusal(const std::string& why, std::string field) : std::invalid_argument(why), field(std::move(field)) {}
    std::string field;
};

[[noreturn]] inline void refuse(const std::string& why, const std::string& field = "") { throw Refusal(why, field); }

// The numbers a message quotes.
std::string format_number(double v);     // shortest exact-enough form: "0.25", "1e+300"
std::string with_commas(int64_t n);      // "1,676,266"
std::string format_bytes(double bytes);  // "12.3 MiB", "1.5 GiB"

}  // namespace cnn
