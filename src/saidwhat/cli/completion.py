"""``saidwhat completion bash|zsh``: a shell completion script made from the parser itself, so it
never falls behind the commands and options it completes."""
from __future__ import annotations

import argparse
from typing import Any

from saidwhat.cli.options import command

SHELLS = ("bash", "zsh")


def register(sub: Any) -> None:
    p = command(sub, "completion", cmd_completion, "print a shell completion script (bash or zsh)",
                "Print a completion script for saidwhat's commands and options. Use it with\n"
                "  eval \"$(saidwhat completion bash)\"   (in ~/.bashrc)\n"
                "  eval \"$(saidwhat completion zsh)\"    (in ~/.zshrc)")
    p.add_argument("shell", choices=SHELLS, help="the shell to complete for")


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script: subcommands first, then each subcommand's options; files elsewhere."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = {name: sorted({o for a in p._actions for o in a.option_strings})
               for name, p in sub.choices.items()}
    cases = "\n".join(f"        {name}) opts=\"{' '.join(opts)}\" ;;" for name, opts in sorted(options.items()))
    body = f"""_saidwhat() {{
    local cur cmd opts
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    cmd="${{COMP_WORDS[1]}}"
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=( $(compgen -W "{' '.join(sorted(options))} --help --version -V -q --quiet" -- "$cur") )
        return
    fi
    case "$cmd" in
{cases}
        *) opts="" ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
    else
        COMPREPLY=( $(compgen -f -- "$cur") )
    fi
}}
complete -o filenames -F _saidwhat saidwhat
"""
    if shell == "zsh":
        body = "autoload -U +X bashcompinit && bashcompinit\n" + body
    return body


def cmd_completion(args: argparse.Namespace) -> int:
    print(script(args.root_parser, args.shell), end="")
    return 0
