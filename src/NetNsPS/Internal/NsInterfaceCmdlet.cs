using System.Management.Automation;

namespace NetNsPS.Internal;

/// <summary>
/// A cmdlet that acts on one interface of a namespace (or of the host): -Namespace and -InterfaceName, bound by
/// property name from NsLink, NsLinkShaping and VethPair objects (whose end is Name).
/// </summary>
public abstract class NsInterfaceCmdlet : NetNsCmdlet
{
    /// <summary>The interface's namespace; without it (or empty), the host. Binds Namespace from NsLink, NsLinkShaping and VethPair objects.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    [AllowNull]
    public string? Namespace { get; set; }

    /// <summary>The interface. Binds InterfaceName from NsLink and NsLinkShaping objects, and Name from VethPair objects.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string InterfaceName { get; set; } = "";
}
