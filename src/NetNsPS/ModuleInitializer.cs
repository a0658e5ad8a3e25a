using System;
using System.Management.Automation;
using System.Runtime.InteropServices;

namespace NetNsPS;

/// <summary>
/// Runs when Import-Module loads NetNsPS.dll: on any platform but Linux the import fails with one
/// clear message instead of cmdlets that would later fail on missing /run/netns, ip or unshare.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    /// <summary>The platform check; tests substitute it to see what an import on another system does.</summary>
    internal static Func<bool> IsSupportedPlatform { get; set; } = OperatingSystem.IsLinux;

    public void OnImport() => PlatformGuard.EnsureSupported(IsSupportedPlatform, RuntimeInformation.OSDescription);
}

/// <summary>The decision behind <see cref="ModuleInitializer"/>, with the platform check passed in.</summary>
internal static class PlatformGuard
{
    public static string Message(string osDescription) =>
        $"NetNsPS runs on Linux only: it drives the Linux kernel's network namespaces, bridges and veth pairs with iproute2. This system is {osDescription.Trim()}.";

    public static void EnsureSupported(Func<bool> isLinux, string osDescription)
    {
        if (!isLinux())
        {
            throw new PlatformNotSupportedException(Message(osDescription));
        }
    }
}
