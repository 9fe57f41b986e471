using System.CommandLine;

namespace LogPipe.Cli.Contracts;

/// <summary>The options that say which service the contracts are read from.</summary>
internal static class ServiceOptions
{
    public static readonly Option<string?> Project = new("--project")
    {
        Description = "The service's project (a directory or a .csproj), run with `dotnet run` (default: the current directory).",
        HelpName = "path",
    };

    public static readonly Option<FileInfo?> Assembly = new("--assembly")
    {
        Description = "The service's built entry assembly (App.dll), run with `dotnet App.dll` instead of building the project.",
        HelpName = "App.dll",
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(Project);
        command.Options.Add(Assembly);
        command.Validators.Add(r =>
        {
            if (r.GetValue(Project) is not null && r.GetValue(Assembly) is not null) r.AddError("Give --project or --assembly, not both.");
        });
    }

    /// <summary>The service the command line names.</summary>
    public static ServiceExport Resolve(ParseResult parse)
    {
        if (parse.GetValue(Assembly) is { } assembly)
        {
            if (!assembly.Exists) throw CommandException.Usage($"--assembly {assembly.FullName} does not exist; build the service first, or give --project.");
            return ServiceExport.ForAssembly(assembly.FullName);
        }

        var project = Path.GetFullPath(parse.GetValue(Project) ?? ".");
        if (File.Exists(project)) return ServiceExport.ForProject(project, Path.GetDirectoryName(project)!);
        if (!Directory.Exists(project)) throw CommandException.Usage($"--project {project} does not exist.");
        var projects = Directory.GetFiles(project, "*.csproj");
        if (projects.Length != 1)
        {
            throw CommandException.Usage(projects.Length == 0
                ? $"{project} holds no .csproj; give --project <dir|csproj> or --assembly <App.dll>."
                : $"{project} holds {projects.Length} projects; name one with --project <csproj>.");
        }

        return ServiceExport.ForProject(projects[0], project);
    }
}
