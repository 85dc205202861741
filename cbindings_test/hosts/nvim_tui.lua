-- nvim's terminal UI on a pseudo-terminal (see nvim_tui.sh): the UI reads
-- and writes the terminal through libuv's uv_tty_t, asks it for the window
-- size (uv_tty_get_winsize) and puts it in raw mode (uv_tty_set_mode). This
-- file, run once nvim is up, writes to $GOUV_TUI_OUT/during what nvim and
-- the terminal say, with the libuv files mapped into nvim, and quits.
local uv = vim.loop
local lines = {}
lines[#lines + 1] = "size " .. vim.o.columns .. "x" .. vim.o.lines
-- The terminal's mode now, asked of the device itself (nvim's children
-- have no controlling terminal).
local pts = uv.fs_readlink("/proc/self/fd/1")
local mode = vim.fn.system({ "stty", "-a", "-F", pts })
lines[#lines + 1] = "during " .. (mode:match("%-icanon") and "-icanon" or "icanon") .. " "
  .. (mode:match("%-echo ") and "-echo" or "echo")
for line in io.lines("/proc/self/maps") do
  local path = line:match("%s(/%S+)$")
  if path and (path:match("/libuv%.so[^/]*$") or path:match("/libgouv%.so[^/]*$")) then
    lines[#lines + 1] = "libuv-mapped " .. path
  end
end
vim.fn.writefile(lines, os.getenv("GOUV_TUI_OUT") .. "/during")
vim.cmd("qall!")
