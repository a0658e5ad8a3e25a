using System;
using System.IO;
using System.Management.Automation;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>
/// The throwaway network + mount namespace that Invoke-NsSandbox and the tests run in: fresh tmpfs
/// over /run/netns, /etc/sysctl.d and /run/netnsps (lock files), sysfs of its own, lo up. Nothing done inside reaches the host.
/// </summary>
public static class Sandbox
{
    /// <summary>Set inside a sandbox; the tests refuse to run without it.</summary>
    public const string MarkerVariable = "NETNSPS_SANDBOX";

    /// <summary>The network namespace of the process that asked for the sandbox, to prove we left it.</summary>
    public const string ParentNetnsVariable = "NETNSPS_SANDBOX_PARENT_NETNS";

    public static string CurrentNetns() => NamespaceId("/proc/self/ns/net");

    public static string NamespaceId(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.LinkTarget ?? "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>True when this process runs in a network and mount namespace other than the machine's own (PID 1's).</summary>
    public static bool IsInsideSandbox() =>
        Environment.GetEnvironmentVariable(MarkerVariable) == "1"
        && CurrentNetns() != NamespaceId("/proc/1/ns/net")
        && NamespaceId("/proc/self/ns/mnt") != NamespaceId("/proc/1/ns/mnt");

    /// <summary>Prepares the sandbox from inside it; refuses when the namespaces are the host's.</summary>
    public static void Enter()
    {
        var parent = Environment.GetEnvironmentVariable(ParentNetnsVariable);
        var self = CurrentNetns();
        if (string.IsNullOrEmpty(self) || self == parent || self == NamespaceId("/proc/1/ns/net")
            || NamespaceId("/proc/self/ns/mnt") == NamespaceId("/proc/1/ns/mnt"))
        {
            throw new NetNsException("Refusing to prepare a sandbox: this process is not in a new network and mount namespace.",
                "NotInSandbox", ErrorCategory.SecurityError, self);
        }
        var token = CancellationToken.None;
        if (Directory.Exists(NetState.NetnsDirectory))
        {
            Mount(token, "-t", "tmpfs", "-o", "mode=0755", "netnsps-netns", NetState.NetnsDirectory);
        }
        else
        {
            // No /run/netns on this machine: cover all of /run rather than create anything on the host's.
            Mount(token, "-t", "tmpfs", "-o", "mode=0755", "netnsps-run", "/run");
            Directory.CreateDirectory(NetState.NetnsDirectory);
        }
        if (Directory.Exists("/etc/sysctl.d"))
        {
            Mount(token, "-t", "tmpfs", "-o", "mode=0755", "netnsps-sysctl", "/etc/sysctl.d");
        }
        // The module's lock files: the sandbox's stay in the sandbox (the empty directory is the mount point).
        Directory.CreateDirectory(FirewallLock.Directory);
        Mount(token, "-t", "tmpfs", "-o", "mode=0755", "netnsps-locks", FirewallLock.Directory);
        // A sysfs of this namespace, so /sys/class/net shows the sandbox's interfaces, not the host's.
        Mount(token, "-t", "sysfs", "netnsps-sys", "/sys");
        Run(token, Ip.SetUp(null, "lo"));
        Environment.SetEnvironmentVariable(MarkerVariable, "1");
    }

    private static void Mount(CancellationToken token, params string[] args) => Run(token, new CommandSpec("mount", args));

    private static void Run(CancellationToken token, CommandSpec command)
    {
        var result = ProcessRunner.Instance.Run(command, token);
        if (!result.Succeeded)
        {
            throw new NetNsException($"Sandbox set-up failed: {command.Render()}: {result.ErrorText}", "SandboxSetupFailed",
                ErrorCategory.ResourceUnavailable, command.Render());
        }
    }
}
