package dev.faas.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code faas}: the root of the command model, from which help and completion are generated. */
@Command(
    name = "faas",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Manage and invoke functions on the FaaS platform.",
    footer = {
      "",
      "Environment: FAAS_URL, FAAS_TOKEN, FAAS_PROFILE, FAAS_CA_FILE, XDG_CONFIG_HOME.",
      "Exit codes: 0 ok, 1 function failed, 2 usage, 3 authentication, 4 not found,",
      "  5 limit reached, 6 platform unavailable, 7 conflict, 8 invalid request,",
      "  10 other error (docs/cli.md)."
    },
    subcommands = {
      AuthCommands.Register.class,
      AuthCommands.Login.class,
      AuthCommands.Logout.class,
      AuthCommands.Whoami.class,
      AuthCommands.CallbackSecret.class,
      FnCommand.class,
      ApplyCommand.class,
      InvokeCommand.class,
      ActivationsCommand.class,
      KeysCommand.class,
      RegistriesCommand.class,
      CompletionCommand.class
    })
public final class FaasCommand implements Runnable {
  @Mixin private GlobalOptions options = new GlobalOptions();
  @Spec private CommandSpec spec;

  private final Terminal terminal;

  public FaasCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  public Terminal terminal() {
    return terminal;
  }

  public GlobalOptions options() {
    return options;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is missing");
  }

  /** A command that only groups others ({@code faas fn}): without one of them it is a usage error. */
  public abstract static class Group implements Runnable {
    @Spec private CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "a subcommand is missing");
    }
  }
}
