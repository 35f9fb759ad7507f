package dev.faas.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code faas completion bash|zsh}: the completion script, generated from the command model by
 * picocli, so it never lags behind the commands. The script is bash's; zsh runs it through
 * {@code bashcompinit}, which the script itself loads.
 */
@Command(
    name = "completion",
    description = {
      "Print a shell completion script.",
      "bash: source <(faas completion bash)   zsh: source <(faas completion zsh)"
    },
    mixinStandardHelpOptions = true)
final class CompletionCommand extends ApiCommand {
  /** The shells served. */
  enum Shell { bash, zsh }

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  protected int run() throws IOException {
    CommandLine model = Cli.commandLine(terminal());
    String script = AutoComplete.bash("faas", model);
    if (shell == Shell.zsh) {
      script = "#compdef faas\n# zsh: the bash completion, through bashcompinit (loaded below).\n" + script;
    }
    terminal().out().write(script.getBytes(StandardCharsets.UTF_8));
    terminal().out().flush();
    return ExitCode.OK;
  }
}
