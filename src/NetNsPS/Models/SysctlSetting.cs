namespace NetNsPS;

/// <summary>A kernel parameter (sysctl) and, when NetNsPS persisted it, the file under /etc/sysctl.d.</summary>
public sealed class SysctlSetting
{
    public string Name { get; init; } = "";

    /// <summary>The current value; null when the parameter does not exist (for example br_netfilter not loaded).</summary>
    public string? Value { get; init; }
    public string? PersistentPath { get; init; }

    public override string ToString() => $"{Name}={Value}";
}
