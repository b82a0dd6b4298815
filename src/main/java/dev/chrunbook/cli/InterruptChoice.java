package dev.chrunbook.cli;

/** What Ctrl-C during a run does. */
enum InterruptChoice { ask, detach, cancel }
