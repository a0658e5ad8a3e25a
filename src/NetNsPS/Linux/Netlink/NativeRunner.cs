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
        catch (Exception e) when (e is NetlinkException or NativeCommandException or CannotFindDeviceException or NetNsException)
        {
            return new ProcessResult(2, string.Empty, e.Message);
        }
    }
}
