using System.Threading;

namespace NetNsPS.Linux;

/// <summary>Runs external programs. The real one uses CliWrap; tests substitute a recorder.</summary>
public interface IProcessRunner
{
    ProcessResult Run(CommandSpec command, CancellationToken cancellationToken);
}
