using System.Collections.Generic;
using System.Management.Automation;

namespace NetNsPS.Lab;

/// <summary>containerlab topology YAML as lab data.</summary>
public static class Containerlab
{
    public static object? ToData(string yaml, string source, List<string> warnings) =>
        throw new NetNsException($"containerlab topology files ({source}) are not supported in this build yet; write the lab as a .psd1.",
            "ContainerlabNotSupported", ErrorCategory.NotImplemented, source);
}
