"""Summarise a py-spy raw (collapsed) profile: inclusive and self share per function.

py-spy record -p PID -f raw -o profile.txt -d 30 --gil
python bench/pyspy_top.py profile.txt [--match cast_vote] [--top 40]
"""

import argparse
import re
from collections import Counter

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "issue-4/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--match", help="only stacks through a frame containing this text")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    inclusive, own = Counter(), Counter()
    total = 0
    with open(args.profile) as lines:
        for line in lines:
            stack, _, count = line.rstrip().rpartition(" ")
            if not stack:
                continue
            if args.match and args.match not in stack:
                continue
            frames = [short(f) for f in stack.split(";")]
            n = int(count)
            total += n
            for frame in set(frames):
                inclusive[frame] += n
            own[frames[-1]] += n
    print(f"{total} samples")
    print("-- inclusive")
    for frame, n in inclusive.most_common(args.top):
        print(f"{100 * n / total:5.1f}%  {frame}")
    print("-- self")
    for frame, n in own.most_common(args.top // 2):
        print(f"{100 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
