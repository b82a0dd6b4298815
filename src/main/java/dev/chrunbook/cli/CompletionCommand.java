package dev.chrunbook.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code chrunbook completion bash|zsh}: the shell completion script picocli generates from the commands themselves. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a completion script for bash or zsh.",
                "bash: source <(chrunbook completion bash)   zsh: source <(chrunbook completion zsh)"})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("chrunbook", spec.root().commandLine());
        var out = spec.commandLine().getOut();
        if (shell == Shell.zsh) { // picocli's script runs under zsh through bashcompinit
            out.println("autoload -U +X compinit && compinit");
            out.println("autoload -U +X bashcompinit && bashcompinit");
        }
        out.print(script);
        out.flush();
        return 0;
    }
}
