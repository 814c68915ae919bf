package dev.tickcast.cli.command;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.model.file.ModelSigning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        description = "Creates an Ed25519 key pair for signing models: the private key for 'train --signing-key' (and"
                + " 'model publish --signing-key'), the public key for the job's --trusted-keys.")
public final class KeygenCommand implements Callable<Integer> {

    @Spec
    public CommandSpec spec;

    @Option(
            names = "--out",
            description = "Directory to write <name>.key (owner-only) and <name>.pub into. Default: ${DEFAULT-VALUE}.",
            defaultValue = "keys")
    public Path out;

    @Option(
            names = "--name",
            description = "File name stem. Default: ${DEFAULT-VALUE}.",
            defaultValue = "tickcast-signing")
    public String name;

    @Option(names = "--force", description = "Overwrite an existing key pair.")
    public boolean force;

    @Override
    public Integer call() throws Exception {
        Path privateFile = out.resolve(name + ".key");
        Path publicFile = out.resolve(name + ".pub");
        if (!force && (Files.exists(privateFile) || Files.exists(publicFile))) {
            throw new UserException(privateFile + " or " + publicFile
                    + " exists; keep it, choose --name, or pass --force to replace it");
        }
        Files.createDirectories(out);
        KeyPair pair = ModelSigning.generate();
        ModelSigning.writeKeyPair(pair, privateFile, publicFile);
        spec.commandLine()
                .getOut()
                .printf(
                        "key %s: private %s (keep it secret), public %s (give it to the job: --trusted-keys %s)%n",
                        ModelSigning.keyId(pair.getPublic()), privateFile, publicFile, publicFile);
        return 0;
    }
}
