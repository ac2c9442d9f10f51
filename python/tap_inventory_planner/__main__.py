from tap_inventory_planner import main

main()
