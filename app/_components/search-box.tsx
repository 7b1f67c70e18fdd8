"use client";

import { useEffect, useRef } from "react";

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/** A GET form to /search?q= (works without JavaScript); `/` focuses it from anywhere. */
export function SearchBox() {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <search className="search-box">
      <form action="/search" method="get">
        <label htmlFor="site-search" className="visually-hidden">
          Search commits, SHAs, tags, PRs
        </label>
        <input
          ref={input}
          id="site-search"
          name="q"
          type="search"
          placeholder="Search SHA, tag, PR…"
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
          data-testid="search-input"
        />
        <span className="search-box__hint" aria-hidden="true">
          /
        </span>
      </form>
    </search>
  );
}
