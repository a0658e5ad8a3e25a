using System;
using System.Threading;

namespace NetNsPS.Linux.Netlink;

/// <summary>
/// Runs a command natively when it carries a netlink implementation (the module's own `ip` commands), else
/// spawns it. Failures come back as the program would report them, so rollback and errors work the same.
/// </summary>
public sealed class NativeRunner : IProcessRunner
{
    private readonly NetlinkSession _session;
    private readonly IProcessRunner _spawn;

    public NativeRunner(NetlinkSession session, IProcessRunner spawn)
    {
        _session = session;
        _spawn = spawn;
    }

    public ProcessResult Run(CommandSpec command, CancellationToken cancellationToken)
    {
        if (command.Native is null)
        {
            return _spawn.Run(command, cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            command.Native(_session);
            return new ProcessResult(0, string.Empty, string.Empty);
        }
        catch (SpawnInsteadException)
        {
            return _spawn.Run(command, cancellationToken);
        }
        catch (Exception e) when (e is NetlinkException or NativeCommandException or CannotFindDeviceException or NetNsException)
        {
            return new ProcessResult(2, string.Empty, e.Message);
        }
    }
}

/// <summary>
/// Thrown by an in-process form that finds, before changing anything, that it cannot do exactly what the command
/// does here: the program is run instead, and its result (its own words on failure) is the step's.
/// </summary>
internal sealed class SpawnInsteadException : Exception
{
    public SpawnInsteadException(string reason) : base(reason) { }
}
