#include "cli/signals.h"

#include <unistd.h>
#include <csignal>
#include <cstring>

namespace imagemesh::cli {
namespace {

std::atomic<bool> g_cancel{false};

void on_signal(int signal_number) {
  if (g_cancel.exchange(true)) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  static const char kMessage[] =
      "\nimagemesh: stopping after the current batch (press Ctrl-C again to abort)\n";
  ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  (void)ignored;
}

}  // namespace

CancelOnSignal::CancelOnSignal() {
  g_cancel = false;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

CancelOnSignal::~CancelOnSignal() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>& CancelOnSignal::flag() const { return g_cancel; }

}  // namespace imagemesh::cli
